#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "events/event_checks.hpp"
#include "events/fingerprint.hpp"
#include "events/flat_table.hpp"

namespace s3storm::events {

// Per key (key_fingerprint), the delivered events with sequencers of the operations on it, for the
// matcher's order check. Most keys hold one or two events within a window (a write, then its
// delete), so a key's first two live in one flat table (open addressing, linear probing, 64 bytes
// a slot, at most 80% full: see flat_table.hpp) and only keys with more, or with a value that does
// not fit the compact form, go to a node-based map beside it. `expire` drops the events that
// completed before a time and rebuilds the table, so it holds one window, like FingerprintSet.
// Not thread-safe; the matcher guards it.
class OrderHistory {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Entry {
    TimePoint started;
    TimePoint completed;
    SequencerValue sequencer;
    std::uint32_t type_index = 0;
    bool out_of_order = false;  // counted in its type's out_of_order
    // When its event came. Kept to the millisecond, rounded up: an event then never looks as if
    // it came before an operation was sent when it did not, so no order violation is made up.
    TimePoint arrival;
    // What the operation wrote, hashed (0: nothing known): the events of operations of one type
    // that wrote the same cannot be told apart.
    std::uint16_t content = 0;
  };

  OrderHistory();

  // The key's events, sorted by start, into `out` (cleared first).
  void load(Fingerprint key, std::vector<Entry>& out) const;
  // Replaces the key's events with `entries` (sorted by start); none forgets the key.
  void store(Fingerprint key, const std::vector<Entry>& entries);
  // Drops the events that completed before `before`, and keys left with none.
  void expire(TimePoint before);
  std::size_t keys() const { return size_ + spilled_.size(); }

 private:
  // An entry in 28 bytes: the span as nanoseconds after the start (up to 4.29 s), the arrival as
  // milliseconds after it (up to 65 s) and the sequencer's high part in 16 bits (AWS's are 18 hex
  // digits: 72 bits). Packed to 4-byte alignment, so that a slot of two takes 64 bytes, not 72.
#pragma pack(push, 4)
  struct Compact {
    std::int64_t started = 0;  // steady-clock ticks
    std::uint64_t sequencer_low = 0;
    std::uint32_t span = 0;
    std::uint16_t sequencer_high = 0;
    std::uint8_t type_index = 0;
    std::uint8_t flags = 0;  // kPresent, kOutOfOrder
    std::uint16_t arrival_ms = 0;
    std::uint16_t content = 0;
  };
#pragma pack(pop)
  static_assert(sizeof(Compact) == 28);
  static constexpr std::uint8_t kPresent = 1;
  static constexpr std::uint8_t kOutOfOrder = 2;
  static constexpr std::size_t kInline = 2;
  struct Slot {
    Fingerprint key = 0;  // 0: empty
    Compact entries[kInline];
  };
  static_assert(sizeof(Slot) == 64);

  static Fingerprint stored_form(Fingerprint key) {
    return key == 0 ? 1 : key;
  }
  static bool fits(const Entry& entry);
  static Compact compact(const Entry& entry);
  static Entry expand(const Compact& compact);
  // The slot holding `key`, or the empty slot where it would go.
  std::size_t find(Fingerprint key) const;
  void erase_at(std::size_t index);
  void rebuild(std::size_t capacity);

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  // Keys with more than kInline events, or one that does not fit a Compact: never also in slots_.
  std::unordered_map<Fingerprint, std::vector<Entry>, FingerprintHash> spilled_;
};

}  // namespace s3storm::events
