#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stats/histogram.hpp"
#include "stats/time_series.hpp"

namespace s3storm::stats {

// Expected versus observed bucket notifications for one event name ("ObjectCreated:Put").
struct EventTypeStats {
  std::uint64_t expected = 0;
  std::uint64_t delivered = 0;   // matched an expected event, first time
  std::uint64_t missing = 0;     // expected, not seen within the grace period
  std::uint64_t duplicate = 0;   // matched an event already delivered
  std::uint64_t unexpected = 0;  // matched nothing expected
  // Delivered (so also in `delivered`) before the operation completed, as servers that notify
  // synchronously do; its delivery latency is recorded as 0.
  std::uint64_t early = 0;
  // Delivered (so also in `delivered`), but saying another size or eTag than the operation
  // wrote; counted once per event, and per field in mismatch_by_field ("size", "eTag",
  // "versionId", "eventTime", "fields": a field its eventVersion requires is absent).
  std::uint64_t mismatched = 0;
  std::map<std::string, std::uint64_t> mismatch_by_field;
  // Delivered with a sequencer not greater than that of the previous operation's event on its
  // key (the previous: the last to complete before this one's operation started).
  std::uint64_t out_of_order = 0;
  // Events of operations that failed on our side (timeout, reset, 5xx after retries): the server
  // applied them. Neither delivered nor unexpected.
  std::uint64_t delivered_for_failed = 0;
  Histogram delivery;  // microseconds: arrival minus the operation's completion
  // Microseconds from the moment the request was sent to the arrival, never clamped.
  Histogram delivery_from_send;

  void merge(const EventTypeStats& other);
  friend bool operator==(const EventTypeStats&, const EventTypeStats&) = default;
};

// The events part of a run: filled by the matcher, merged across shards.
// One staged outage of the run's receiver (events.outages) and what it did to the events.
struct OutageStats {
  std::string mode;  // refuse | 503 | stall
  double at_s = 0;   // from the load's start
  double for_s = 0;
  std::uint64_t late = 0;        // events of operations before its end, arrived after it
  std::uint64_t lost = 0;        // ... never arrived
  std::uint64_t duplicated = 0;  // further copies from its start until the backlog drained
  double first_event_s = -1;     // from its end to the first event after it; -1: none came
  double recovered_s = -1;       // from its end to the last late event (backlog drained)
  void merge(const OutageStats& other);
  friend bool operator==(const OutageStats&, const OutageStats&) = default;
};

struct EventStats {
  static constexpr std::size_t kMaxListedKeys = 20;

  std::string source = "none";  // webhook | sqs | none
  std::map<std::string, EventTypeStats> by_type;
  // The first kMaxListedKeys examples of each, as the matcher spells them (e.g. "bucket/key").
  std::vector<std::string> missing_keys;
  std::vector<std::string> unexpected_keys;
  std::vector<std::string> mismatched_keys;  // with what differed
  std::vector<std::string> delivered_for_failed_keys;
  std::vector<std::string> out_of_order_keys;
  std::uint64_t test_events = 0;  // s3:TestEvent and the like, counted apart from the above
  // Sharded runs: events for other shards' keys, left to them (neither matched nor unexpected).
  std::uint64_t foreign = 0;
  // Broker sources (amqp): connections re-established after a failure, and deliveries the
  // broker flagged redelivered whose copy had already been counted (our acknowledgement was
  // lost with the connection), so neither counted again nor a duplicate of the server's making.
  std::uint64_t reconnects = 0;
  std::uint64_t redelivered = 0;
  std::map<int, std::uint64_t> receiver_rejects;  // requests the receiver refused, by HTTP status
  // Events over time, all types together. expected_per_second counts expectations by the wall
  // clock second their operation completed, and its `errors` those of them still missing when the
  // run ended; delivered_per_second counts first deliveries by the second they arrived, with their
  // delivery latency (as in `delivery`). Byte columns stay 0.
  TimeSeries expected_per_second;
  TimeSeries delivered_per_second;
  std::vector<OutageStats> outages;  // as staged, in order
  // The longest recovered_s of the outages (infinity when one never recovered; 0 without any).
  double outage_recovery_s() const;

  void note_missing_key(std::string key);
  void note_unexpected_key(std::string key);
  void note_mismatched_key(std::string key);
  void note_delivered_for_failed_key(std::string key);
  void note_out_of_order_key(std::string key);
  void merge(const EventStats& other);
  friend bool operator==(const EventStats&, const EventStats&) = default;
};

}  // namespace s3storm::stats
