#include "events/event_stats_mapping.hpp"

#include <fmt/core.h>

namespace s3storm::events {

namespace {

std::string spell(const EventKeyListing& listing) {
  if (!listing.detail.empty()) {
    return fmt::format("{}/{} ({}: {})", listing.bucket, listing.key, listing.type, listing.detail);
  }
  return fmt::format("{}/{} ({})", listing.bucket, listing.key, listing.type);
}

}  // namespace

stats::EventStats to_event_stats(const MatchSummary& summary, std::string source,
                                 const std::map<int, std::uint64_t>& receiver_rejects) {
  stats::EventStats out;
  out.source = std::move(source);
  for (const auto& type : summary.types) {
    auto& stats = out.by_type[type.name];
    stats.expected = type.expected;
    stats.delivered = type.delivered;
    stats.missing = type.missing;
    stats.duplicate = type.duplicate;
    stats.unexpected = type.unexpected;
    stats.early = type.early;
    stats.mismatched = type.mismatched;
    stats.delivered_for_failed = type.delivered_for_failed;
    for (std::size_t field = 0; field < kContentFields; ++field) {
      if (type.mismatched_by_field[field] == 0) continue;
      stats.mismatch_by_field[std::string(content_field_name(static_cast<ContentField>(field)))] =
          type.mismatched_by_field[field];
    }
    stats.out_of_order = type.out_of_order;
    stats.delivery = type.delivery_us;
    stats.delivery_from_send = type.delivery_from_send_us;
  }
  for (const auto& listing : summary.missing_keys) out.note_missing_key(spell(listing));
  for (const auto& listing : summary.unexpected_keys) out.note_unexpected_key(spell(listing));
  for (const auto& listing : summary.mismatched_keys) out.note_mismatched_key(spell(listing));
  for (const auto& listing : summary.delivered_for_failed_keys) {
    out.note_delivered_for_failed_key(spell(listing));
  }
  for (const auto& listing : summary.out_of_order_keys) out.note_out_of_order_key(spell(listing));
  out.test_events = summary.test_events;
  out.expected_per_second = summary.expected_per_second;
  out.delivered_per_second = summary.delivered_per_second;
  out.receiver_rejects = receiver_rejects;
  for (const auto& outage : summary.outages) {
    auto& stats = out.outages.emplace_back();
    stats.late = outage.late;
    stats.lost = outage.lost;
    stats.duplicated = outage.duplicated;
    stats.first_event_s = outage.first_event_s;
    stats.recovered_s = outage.recovered_s;
  }
  return out;
}

}  // namespace s3storm::events
