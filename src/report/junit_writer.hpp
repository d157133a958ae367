#pragma once

#include <string>

#include "report/run_report.hpp"

namespace s3storm::report {

// The JUnit XML view of a run, so a CI system shows the verdict in its own test UI: one testsuite
// named after the scenario, one test case per threshold (passes or fails as judged) and one
// "<phase> errors" case per phase (fails when any operation of the phase failed, with the counts by
// error code and HTTP status in the failure text). Nothing is judged here that the report does not
// already hold.
std::string format_junit(const RunReport& report);

// Creates the parent directory if needed. Throws UsageError naming the path if it cannot write.
void write_junit_file(const RunReport& report, const std::string& path);

}  // namespace s3storm::report
