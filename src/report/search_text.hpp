#pragma once

// The text view of a capacity search: what it found, and a table of its probes with the measure
// of each `until`.

#include <string>

#include "stats/search_outcome.hpp"

namespace s3storm::report {

// "max_rate_per_s" in words; "none (even 200/s failed)" when nothing held.
std::string describe_search_result(const stats::SearchOutcome& search);

// Lines indented by two, each ending in a newline.
std::string format_search_table(const stats::SearchOutcome& search);

}  // namespace s3storm::report
