#include "report/error_counts.hpp"

#include <fmt/format.h>

namespace s3storm::report {

std::string format_error_counts(const stats::OpStats& op) {
  std::string out;
  const auto add = [&out](std::string_view what, std::uint64_t n) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", what, n);
  };
  for (const auto& [code, n] : op.errors_by_code) add(code, n);
  for (const auto& [status, n] : op.errors_by_status) {
    if (status == 0) continue;
    const std::string as_code = fmt::format("HTTP {}", status);
    if (op.errors_by_code.find(as_code) == op.errors_by_code.end()) add(as_code, n);
  }
  return out;
}

}  // namespace s3storm::report
