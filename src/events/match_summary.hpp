#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.hpp"
#include "stats/time_series.hpp"

namespace s3storm::events {

// What a delivered event can disagree with its operation on. kFields: a field its eventVersion
// requires is absent (or its sequencer unreadable).
enum class ContentField : std::uint8_t { kSize, kEtag, kVersionId, kEventTime, kFields };
inline constexpr std::size_t kContentFields = 5;
// As reports name them: "size", "eTag", "versionId", "eventTime", "fields".
std::string_view content_field_name(ContentField field);

// Counts for one event type, e.g. "ObjectCreated:Put".
struct EventTypeSummary {
  std::string name;  // without "s3:"
  std::uint64_t expected = 0;
  std::uint64_t delivered = 0;   // matched to an expectation, once
  std::uint64_t missing = 0;     // expected, never delivered
  std::uint64_t duplicate = 0;   // a further copy of an event already delivered
  std::uint64_t unexpected = 0;  // nothing we did explains it
  std::uint64_t early = 0;       // delivered before the operation completed (latency counted 0)
  // Delivered, but its size or eTag differs from what the operation wrote (once per event).
  std::uint64_t mismatched = 0;
  std::array<std::uint64_t, kContentFields> mismatched_by_field{};
  // Its sequencer was not greater than that of the previous operation's event on its key.
  std::uint64_t out_of_order = 0;
  // Events of operations that failed on our side (timeout, reset, 5xx): the server applied them.
  std::uint64_t delivered_for_failed = 0;
  // Mid-run summaries only: arrivals no recorded operation explains yet. One may be an early event
  // whose operation is still being answered, so it is not called duplicate or unexpected until
  // the run is over (those counts then only ever grow).
  std::uint64_t unmatched = 0;
  stats::Histogram delivery_us;  // arrival minus the operation's completion, in microseconds
  // Arrival minus the moment the request was sent, never clamped: what a server that notifies
  // before it answers (Ceph's synchronous topics) really takes.
  stats::Histogram delivery_from_send_us;
};

struct EventKeyListing {
  std::string type;  // e.g. "ObjectRemoved:Delete"
  std::string bucket;
  std::string key;     // decoded (the key as the operation named it) when known
  std::string detail;  // for a mismatch, what differed: "size 12, expected 10"
};

// What one staged outage of the receiver (events.outages) did to the events. An operation belongs
// to the first outage that ended after it completed (and after the previous outage ended).
struct OutageSummary {
  std::uint64_t late = 0;        // its event arrived after the outage ended
  std::uint64_t lost = 0;        // its event never arrived
  std::uint64_t duplicated = 0;  // further copies arriving from the outage's start until drained
  double first_event_s = -1;     // from the outage's end to the first event after it; -1: none
  double recovered_s = -1;       // ... to the last late event (backlog drained); -1: no event came
};

// The matcher's answer after the grace period. Receivers add what only they know.
struct MatchSummary {
  static constexpr std::size_t kListedKeys = 20;

  // The six kinds our operations cause, in a fixed order, then other names as first seen.
  std::vector<EventTypeSummary> types;
  std::vector<EventKeyListing> missing_keys;     // the oldest kListedKeys by completion time
  std::vector<EventKeyListing> unexpected_keys;  // the first kListedKeys by arrival time
  std::vector<EventKeyListing> mismatched_keys;  // the first kListedKeys found
  std::vector<EventKeyListing> delivered_for_failed_keys;  // the first kListedKeys
  std::vector<EventKeyListing> out_of_order_keys;          // the first kListedKeys found
  std::uint64_t test_events = 0;                           // s3:TestEvent, counted apart
  std::uint64_t receiver_rejects = 0;  // deliveries refused (bad JSON, auth, size, ...)
  std::vector<OutageSummary> outages;  // in the order they were staged
  // As stats::EventStats has them: expected (and missing) by completion second, delivered by
  // arrival second.
  stats::TimeSeries expected_per_second;
  stats::TimeSeries delivered_per_second;

  std::uint64_t total_expected() const;
  std::uint64_t total_delivered() const;
  std::uint64_t total_missing() const;
  std::uint64_t total_duplicate() const;
  std::uint64_t total_unexpected() const;
  const EventTypeSummary* find(std::string_view name) const;
};

}  // namespace s3storm::events
