#include "report/junit_writer.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>
#include <system_error>

#include "report/error_counts.hpp"
#include "report/thresholds.hpp"
#include "util/iso_time.hpp"
#include "util/usage_error.hpp"

namespace s3storm::report {

namespace {

// Test runners parse `time` as seconds with a dot; fixed precision keeps the output stable.
std::string seconds_attribute(double seconds) {
  return fmt::format("{:.3f}", seconds);
}

std::uint64_t phase_errors(const stats::PhaseStats& phase) {
  std::uint64_t errors = 0;
  for (const auto& op : phase.ops) errors += op.errors;
  return errors;
}

// One line per failing operation kind: "put: 12 of 300 failed: NoSuchKey 7, HTTP 503 5".
std::string error_details(const stats::PhaseStats& phase) {
  std::string text;
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    const auto& op = phase.ops[i];
    if (op.errors == 0) continue;
    text += fmt::format("{}: {} of {} failed: {}\n", kOpNames[i], op.errors, op.count,
                        format_error_counts(op));
  }
  return text;
}

pugi::xml_node add_case(pugi::xml_node suite, const std::string& classname, const std::string& name,
                        double seconds) {
  auto testcase = suite.append_child("testcase");
  testcase.append_attribute("classname") = classname.c_str();
  testcase.append_attribute("name") = name.c_str();
  testcase.append_attribute("time") = seconds_attribute(seconds).c_str();
  return testcase;
}

void add_failure(pugi::xml_node testcase, const std::string& message, const std::string& text) {
  auto failure = testcase.append_child("failure");
  failure.append_attribute("message") = message.c_str();
  failure.append_attribute("type") = "s3storm";
  failure.text() = text.c_str();
}

}  // namespace

std::string format_junit(const RunReport& report) {
  pugi::xml_document doc;
  auto declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";

  const std::string suite_name = report.scenario.empty() ? "s3storm" : report.scenario;
  const std::string threshold_class = suite_name + ".thresholds";
  const std::string phase_class = suite_name + ".phases";

  std::size_t failures = 0;
  for (const auto& threshold : report.thresholds) failures += threshold.pass ? 0 : 1;
  for (const auto& phase : report.phases) failures += phase_errors(phase) > 0 ? 1 : 0;
  // One case per staged outage of the receiver: it fails only if no event came after it.
  for (const auto& outage : report.events.outages) failures += outage.recovered_s < 0 ? 1 : 0;
  const std::size_t tests =
      report.thresholds.size() + report.phases.size() + report.events.outages.size();

  auto suites = doc.append_child("testsuites");
  auto suite = suites.append_child("testsuite");
  for (auto node : {suites, suite}) {
    node.append_attribute("name") = suite_name.c_str();
    node.append_attribute("tests") = static_cast<unsigned long long>(tests);
    node.append_attribute("failures") = static_cast<unsigned long long>(failures);
    node.append_attribute("errors") = 0;
    node.append_attribute("time") = seconds_attribute(report.duration_s).c_str();
  }
  suite.append_attribute("timestamp") = format_iso8601(report.started).c_str();

  for (const auto& threshold : report.thresholds) {
    auto testcase = add_case(suite, threshold_class, threshold.expr, 0);
    if (!threshold.pass) {
      const std::string measured = format_measured(threshold);
      add_failure(testcase, "measured " + measured,
                  fmt::format("{} failed: measured {}", threshold.expr, measured));
    }
  }
  for (const auto& phase : report.phases) {
    auto testcase = add_case(suite, phase_class, phase.name + " errors", phase.duration_s);
    if (const std::uint64_t errors = phase_errors(phase); errors > 0) {
      add_failure(testcase, fmt::format("{} failed operation(s) in phase {}", errors, phase.name),
                  error_details(phase));
    }
  }

  for (std::size_t i = 0; i < report.events.outages.size(); ++i) {
    const auto& o = report.events.outages[i];
    auto testcase = add_case(
        suite, suite_name + ".outages",
        fmt::format("outage {} ({} at {:g}s for {:g}s)", i + 1, o.mode, o.at_s, o.for_s), o.for_s);
    const std::string counts = fmt::format(
        "{} delivered late, {} lost, {} duplicated; first event after {:.3f}s, recovered after "
        "{:.3f}s",
        o.late, o.lost, o.duplicated, o.first_event_s, o.recovered_s);
    testcase.append_child("system-out").text() = counts.c_str();
    if (o.recovered_s < 0) add_failure(testcase, "no event came after the outage", counts);
  }

  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

void write_junit_file(const RunReport& report, const std::string& path) {
  const std::string text = format_junit(report);
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) throw UsageError(path + ": cannot create its directory: " + ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (out) out.close();
  if (!out) throw UsageError(path + ": cannot write the JUnit report");
}

}  // namespace s3storm::report
