#pragma once

#include <string>
#include <vector>

#include "util/usage_error.hpp"

namespace s3storm::scenario {

// One problem in a scenario, located at file:line:column (1-based) or at a --set flag.
struct Diagnostic {
  std::string file;
  int line = 0;  // 0 when the problem is in a --set flag or the file as a whole
  int column = 0;
  std::string flag;  // "--set a.b=c" when the value came from the command line
  std::string message;
  std::string source_line;  // for YAML syntax errors: the offending line, shown under the message

  // "file:12:5: message" or "--set a=b: message" (plus the source line and a caret, if any).
  std::string to_string() const;
};

// All problems found in one scenario; what() is every diagnostic, one per line.
class ScenarioError : public UsageError {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace s3storm::scenario
