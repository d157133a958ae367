#include "stats/event_stats.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace s3storm::stats {

namespace {

void note_key(std::vector<std::string>& keys, std::string key) {
  if (keys.size() < EventStats::kMaxListedKeys) keys.push_back(std::move(key));
}

}  // namespace

void EventTypeStats::merge(const EventTypeStats& other) {
  expected += other.expected;
  delivered += other.delivered;
  missing += other.missing;
  duplicate += other.duplicate;
  unexpected += other.unexpected;
  early += other.early;
  mismatched += other.mismatched;
  delivered_for_failed += other.delivered_for_failed;
  out_of_order += other.out_of_order;
  for (const auto& [field, n] : other.mismatch_by_field) mismatch_by_field[field] += n;
  delivery.merge(other.delivery);
  delivery_from_send.merge(other.delivery_from_send);
}

void EventStats::note_missing_key(std::string key) {
  note_key(missing_keys, std::move(key));
}
void EventStats::note_unexpected_key(std::string key) {
  note_key(unexpected_keys, std::move(key));
}

void EventStats::note_mismatched_key(std::string key) {
  note_key(mismatched_keys, std::move(key));
}

void EventStats::note_delivered_for_failed_key(std::string key) {
  note_key(delivered_for_failed_keys, std::move(key));
}

void EventStats::note_out_of_order_key(std::string key) {
  note_key(out_of_order_keys, std::move(key));
}

void EventStats::merge(const EventStats& other) {
  for (const auto& [type, stats] : other.by_type) by_type[type].merge(stats);
  for (const auto& key : other.missing_keys) note_missing_key(key);
  for (const auto& key : other.unexpected_keys) note_unexpected_key(key);
  for (const auto& key : other.mismatched_keys) note_mismatched_key(key);
  for (const auto& key : other.delivered_for_failed_keys) note_delivered_for_failed_key(key);
  for (const auto& key : other.out_of_order_keys) note_out_of_order_key(key);
  test_events += other.test_events;
  foreign += other.foreign;
  reconnects += other.reconnects;
  redelivered += other.redelivered;
  for (const auto& [status, n] : other.receiver_rejects) receiver_rejects[status] += n;
  expected_per_second.merge(other.expected_per_second);
  delivered_per_second.merge(other.delivered_per_second);
  // Shards stage the same outages (the same scenario): add them up one by one.
  if (outages.size() < other.outages.size()) outages.resize(other.outages.size());
  for (std::size_t i = 0; i < other.outages.size(); ++i) outages[i].merge(other.outages[i]);
}

void OutageStats::merge(const OutageStats& other) {
  if (mode.empty()) {
    mode = other.mode;
    at_s = other.at_s;
    for_s = other.for_s;
  }
  late += other.late;
  lost += other.lost;
  duplicated += other.duplicated;
  // The run recovered when its slowest shard did; a shard that saw no event says nothing.
  const auto later = [](double a, double b) { return a < 0 ? b : b < 0 ? a : std::max(a, b); };
  first_event_s = later(first_event_s, other.first_event_s);
  recovered_s = later(recovered_s, other.recovered_s);
}

double EventStats::outage_recovery_s() const {
  double longest = 0;
  for (const auto& outage : outages) {
    if (outage.recovered_s < 0) return std::numeric_limits<double>::infinity();
    longest = std::max(longest, outage.recovered_s);
  }
  return longest;
}

}  // namespace s3storm::stats
