#pragma once

// Parsing of the scenario's quantities: sizes (29, 4KiB, 1GB), durations (250ms, 5m) and rates
// (500/s). Units are exact: KiB = 1024, KB = 1000. Errors are std::invalid_argument with a message
// that says what is allowed.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace s3storm::scenario {

std::uint64_t parse_size(std::string_view text);
std::chrono::nanoseconds parse_duration(std::string_view text);
double parse_rate_per_second(std::string_view text);

// "4 KiB", "6 MiB", "1.5 GiB": the largest binary unit that shows the value exactly to 0.1.
std::string format_size(std::uint64_t bytes);
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace s3storm::scenario
