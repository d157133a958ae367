#include "scenario/scenario_error.hpp"

#include <fmt/core.h>

namespace s3storm::scenario {

namespace {
std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.to_string();
  }
  return text;
}
}  // namespace

std::string Diagnostic::to_string() const {
  std::string text;
  if (!flag.empty()) {
    text = fmt::format("{}: {}", flag, message);
  } else if (line > 0) {
    text = fmt::format("{}:{}:{}: {}", file, line, column, message);
  } else {
    text = fmt::format("{}: {}", file, message);
  }
  if (!source_line.empty()) {
    text +=
        fmt::format("\n  {} | {}\n  {} | {:>{}}", line, source_line,
                    std::string(std::to_string(line).size(), ' '), "^", column > 0 ? column : 1);
  }
  return text;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : UsageError(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace s3storm::scenario
