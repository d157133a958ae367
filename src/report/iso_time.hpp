#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "report/run_report.hpp"

namespace s3storm::report {

// "2026-11-25T19:58:00.123Z": UTC, millisecond precision, the only form reports use.
std::string format_iso8601(Timestamp t);
// Accepts that form, and the same without the fraction; nullopt for anything else.
std::optional<Timestamp> parse_iso8601(std::string_view text);

}  // namespace s3storm::report
