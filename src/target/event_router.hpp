#pragma once

// Decides which operations notify and hands their records to the dispatcher. The routing rule
// (docs/target.md): a bucket with a notification configuration emits the events its rules
// select (s3:ObjectCreated:*, s3:ObjectRemoved:*, or exact names); a bucket without one emits
// nothing, unless `emit_unconfigured` is set (serve --notify), in which case it emits everything.
// One record per event, however many rules match (the first matching rule's Id is reported).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "target/event_dispatcher.hpp"
#include "target/event_record.hpp"
#include "target/fault_spec.hpp"
#include "target/object_store.hpp"

namespace s3storm::target {

// True when a configured event name ("s3:ObjectCreated:*", "s3:ObjectCreated:Put", with or
// without "s3:") selects `event_name` ("ObjectCreated:Put").
bool event_selected(std::string_view configured, std::string_view event_name);

class EventRouter {
 public:
  EventRouter(const ObjectStore& store, EventDispatcher& dispatcher, FaultInjector& faults,
              bool emit_unconfigured, std::string region)
      : store_(store),
        dispatcher_(dispatcher),
        faults_(faults),
        emit_unconfigured_(emit_unconfigured),
        region_(std::move(region)) {}

  // Fills in sequencer, time and region, applies event-drop/event-dup/event-corrupt/
  // event-reorder/event-delay, and enqueues.
  void emit(EventDetails event);
  // False when no event from `bucket` can be emitted (no configuration and no --notify), so the
  // caller need not build one: the common case under load.
  bool may_emit(const std::string& bucket) const;

  std::uint64_t emitted() const { return emitted_.load(); }
  std::uint64_t dropped_by_fault() const { return dropped_.load(); }
  std::uint64_t duplicated_by_fault() const { return duplicated_.load(); }
  std::uint64_t corrupted_by_fault() const { return corrupted_.load(); }
  std::uint64_t reordered_by_fault() const { return reordered_.load(); }
  // Events held back by event-delay (a duplicated one counts once).
  std::uint64_t delayed_by_fault() const { return delayed_.load(); }

 private:
  const ObjectStore& store_;
  EventDispatcher& dispatcher_;
  FaultInjector& faults_;
  const bool emit_unconfigured_;
  const std::string region_;
  std::atomic<std::uint64_t> emitted_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> duplicated_{0};
  std::atomic<std::uint64_t> corrupted_{0};
  std::atomic<std::uint64_t> reordered_{0};
  std::atomic<std::uint64_t> delayed_{0};
  // Under event-reorder only: each key's last sequencer ("bucket/key"), to go below it.
  std::uint64_t sequencer_for(const EventDetails& event);
  std::mutex last_sequencer_mutex_;
  std::unordered_map<std::string, std::uint64_t> last_sequencer_;
};

}  // namespace s3storm::target
