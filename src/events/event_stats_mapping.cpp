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
    if (type.mismatched_size > 0) stats.mismatch_by_field["size"] = type.mismatched_size;
    if (type.mismatched_etag > 0) stats.mismatch_by_field["eTag"] = type.mismatched_etag;
    stats.delivery = type.delivery_us;
    stats.delivery_from_send = type.delivery_from_send_us;
  }
  for (const auto& listing : summary.missing_keys) out.note_missing_key(spell(listing));
  for (const auto& listing : summary.unexpected_keys) out.note_unexpected_key(spell(listing));
  for (const auto& listing : summary.mismatched_keys) out.note_mismatched_key(spell(listing));
  for (const auto& listing : summary.delivered_for_failed_keys) {
    out.note_delivered_for_failed_key(spell(listing));
  }
  out.test_events = summary.test_events;
  out.receiver_rejects = receiver_rejects;
  return out;
}

}  // namespace s3storm::events
