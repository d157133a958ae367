#include "events/event_printer.hpp"

#include <fmt/core.h>

#include <chrono>
#include <ctime>

namespace s3storm::events {

std::string visible(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      // U+0080..U+009F in UTF-8: the C1 controls, which some terminals obey (U+009B is CSI).
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string format_event(const EventRecord& record, std::string_view local_time) {
  // Every field came from the network: printed through visible(), so that no byte of it can end
  // the printout (a NUL cut `listen`'s block short, issue #18) or steer the terminal.
  const std::string name = visible(record.name);
  // The operation is the last part of the name, "ObjectCreated:Put" -> "Put".
  const auto colon = name.rfind(':');
  const std::string_view operation = colon == std::string::npos
                                         ? std::string_view(name)
                                         : std::string_view(name).substr(colon + 1);
  const std::string_view t = local_time;
  std::string out = "\n";
  out += fmt::format("{} S3 Event Detected\n", t);
  out += fmt::format("{} -------------------------------\n", t);
  out += fmt::format("{} Event Type: {} ({})\n", t, name, operation);
  out += fmt::format("{} Timestamp:  {}\n", t, visible(record.event_time));
  out += fmt::format("{} Bucket:     {}\n", t, visible(record.bucket));
  out += fmt::format("{} Object:     {}\n", t, visible(record.key));
  out += fmt::format("{} Size:       {} bytes\n", t, record.size);
  // No trailing blank after the label when a delete carries no ETag.
  out += record.etag.empty() ? fmt::format("{} ETag:\n", t)
                             : fmt::format("{} ETag:       {}\n", t, visible(record.etag));
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
    out += fmt::format("  {:<40} {}\n", visible(name), count);
    events += count;
  }
  out += fmt::format("  {:<40} {}\n", "events", events);
  out += fmt::format("  {:<40} {}\n", "test events", test_events);
  out += fmt::format("  {:<40} {}\n", "rejected requests", rejected_requests);
  return out;
}

}  // namespace s3storm::events
