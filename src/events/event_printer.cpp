#include "events/event_printer.hpp"

#include <fmt/core.h>

#include <chrono>
#include <ctime>

namespace s3storm::events {

std::string format_event(const EventRecord& record, std::string_view local_time) {
  // The operation is the last part of the name, "ObjectCreated:Put" -> "Put".
  const std::string_view name = record.name;
  const auto colon = name.rfind(':');
  const std::string_view operation =
      colon == std::string_view::npos ? name : name.substr(colon + 1);
  const std::string_view t = local_time;
  std::string out = "\n";
  out += fmt::format("{} S3 Event Detected\n", t);
  out += fmt::format("{} -------------------------------\n", t);
  out += fmt::format("{} Event Type: {} ({})\n", t, name, operation);
  out += fmt::format("{} Timestamp:  {}\n", t, record.event_time);
  out += fmt::format("{} Bucket:     {}\n", t, record.bucket);
  out += fmt::format("{} Object:     {}\n", t, record.key);
  out += fmt::format("{} Size:       {} bytes\n", t, record.size);
  // No trailing blank after the label when a delete carries no ETag.
  out += record.etag.empty() ? fmt::format("{} ETag:\n", t)
                             : fmt::format("{} ETag:       {}\n", t, record.etag);
  out += fmt::format("{} -------------------------------\n", t);
  return out;
}

std::string local_timestamp_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  return std::string(text, n);
}

std::string format_totals(const std::map<std::string, std::uint64_t>& per_type,
                          std::uint64_t test_events, std::uint64_t rejected_requests) {
  std::uint64_t events = 0;
  std::string out = "\nTotals\n";
  for (const auto& [name, count] : per_type) {
    out += fmt::format("  {:<40} {}\n", name, count);
    events += count;
  }
  out += fmt::format("  {:<40} {}\n", "events", events);
  out += fmt::format("  {:<40} {}\n", "test events", test_events);
  out += fmt::format("  {:<40} {}\n", "rejected requests", rejected_requests);
  return out;
}

}  // namespace s3storm::events
