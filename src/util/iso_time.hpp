#pragma once

// ISO 8601 UTC timestamps as S3 writes them ("2026-11-25T19:58:00.123Z"): eventTime in event
// records, LastModified in listings, a POST policy's expiration, and a report's start time.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm {

// "YYYY-MM-DDTHH:MM:SS.mmmZ", UTC, truncated to milliseconds.
std::string format_iso8601(std::chrono::system_clock::time_point time);

// "YYYY-MM-DDTHH:MM:SSZ" with an optional fraction of 1 to 9 digits before the Z, and a valid
// calendar date and time of day; nullopt for anything else (offsets, missing Z, trailing text).
// A time outside system_clock's range (before 1677, after 2262) saturates to its min() or max().
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

}  // namespace s3storm
