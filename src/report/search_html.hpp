#pragma once

// The HTML view of a capacity search: the answer, the curve of what each probed rate achieved
// (held and failed apart), and the probes' table.

#include <string>

#include "report/html_svg_chart.hpp"
#include "stats/search_outcome.hpp"

namespace s3storm::report::html {

// Operations per second achieved against the rate probed: one series for the probes that held,
// one for those that failed, and the offered rate itself as the diagonal they are read against.
Chart search_chart(const stats::SearchOutcome& search);

void append_search(std::string& out, const stats::SearchOutcome& search);

}  // namespace s3storm::report::html
