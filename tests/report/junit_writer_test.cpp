#include "report/junit_writer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <pugixml.hpp>
#include <string>

#include "sample_report.hpp"
#include "util/usage_error.hpp"

namespace s3storm::report {
namespace {

using ::testing::HasSubstr;

pugi::xml_document parse_junit(const std::string& xml) {
  pugi::xml_document doc;
  const auto result = doc.load_string(xml.c_str());
  EXPECT_TRUE(result) << result.description() << " at offset " << result.offset << "\n" << xml;
  return doc;
}

pugi::xml_node find_case(const pugi::xml_document& doc, const std::string& name) {
  return doc.child("testsuites")
      .child("testsuite")
      .find_child_by_attribute("testcase", "name", name.c_str());
}

TEST(JunitWriter, OneCasePerThresholdAndPerPhaseWithCounts) {
  const auto doc = parse_junit(format_junit(testing::sample_report()));
  const auto suites = doc.child("testsuites");
  ASSERT_TRUE(suites);
  const auto suite = suites.child("testsuite");
  ASSERT_TRUE(suite);
  EXPECT_STREQ(suite.attribute("name").value(), "sample");
  // Two thresholds (one failed) and two phases, both with errors in the sample.
  EXPECT_EQ(suite.attribute("tests").as_int(), 4);
  EXPECT_EQ(suite.attribute("failures").as_int(), 3);
  EXPECT_EQ(suites.attribute("tests").as_int(), 4);
  EXPECT_EQ(suites.attribute("failures").as_int(), 3);
  EXPECT_STREQ(suite.attribute("time").value(), "20.500");
  EXPECT_STREQ(suite.attribute("timestamp").value(), "2025-11-25T19:46:40.000Z");
  int cases = 0;
  int failures = 0;
  for (const auto testcase : suite.children("testcase")) {
    ++cases;
    if (testcase.child("failure")) ++failures;
  }
  EXPECT_EQ(cases, 4);
  EXPECT_EQ(failures, 3);

  const auto passed = find_case(doc, "put.p99 < 50ms");
  ASSERT_TRUE(passed);
  EXPECT_STREQ(passed.attribute("classname").value(), "sample.thresholds");
  EXPECT_FALSE(passed.child("failure"));

  const auto failed = find_case(doc, "events.missing == 0");
  ASSERT_TRUE(failed);
  EXPECT_STREQ(failed.child("failure").attribute("message").value(), "measured 10");

  const auto storm = find_case(doc, "storm errors");
  ASSERT_TRUE(storm);
  EXPECT_STREQ(storm.attribute("classname").value(), "sample.phases");
  EXPECT_STREQ(storm.attribute("time").value(), "15.250");
  EXPECT_THAT(storm.child("failure").attribute("message").value(),
              HasSubstr("failed operation(s) in phase storm"));
  const std::string text = storm.child("failure").text().get();
  EXPECT_THAT(text, HasSubstr("put: "));
  EXPECT_THAT(text, HasSubstr("NoSuchKey"));
  EXPECT_THAT(text, HasSubstr("HTTP 503"));
}

TEST(JunitWriter, PhaseWithoutErrorsPassesAndCountsMatchTheReport) {
  RunReport r;
  r.scenario = "clean";
  stats::PhaseStats phase;
  phase.name = "quiet";
  phase.duration_s = 1;
  stats::OpOutcome ok;
  ok.ok = true;
  ok.latency_us = ok.service_us = 100;
  phase.op(OpKind::kPut).record(ok);
  r.phases.push_back(phase);
  stats::OpOutcome failed = ok;
  failed.ok = false;
  failed.http_status = 500;
  failed.error_code = "InternalError";
  phase.name = "noisy";
  phase.op(OpKind::kGet).record(failed);
  phase.op(OpKind::kGet).record(failed);
  r.phases.push_back(phase);

  const auto doc = parse_junit(format_junit(r));
  EXPECT_EQ(doc.child("testsuites").child("testsuite").attribute("tests").as_int(), 2);
  EXPECT_EQ(doc.child("testsuites").child("testsuite").attribute("failures").as_int(), 1);
  EXPECT_FALSE(find_case(doc, "quiet errors").child("failure"));
  const auto noisy = find_case(doc, "noisy errors").child("failure");
  ASSERT_TRUE(noisy);
  EXPECT_STREQ(noisy.attribute("message").value(), "2 failed operation(s) in phase noisy");
  EXPECT_EQ(std::string(noisy.text().get()), "get: 2 of 2 failed: InternalError 2, HTTP 500 2\n");
}

TEST(JunitWriter, EscapesMarkupInExpressionsAndNames) {
  RunReport r;
  r.scenario = "a<b & \"c\"";
  r.thresholds.push_back({"put.p99 < 50ms && \"x\" > 'y'", 0.07, false, "s"});
  r.thresholds.push_back({"errors.rate <= 0.1 <&\">", 0, true, "fraction"});
  const std::string xml = format_junit(r);
  EXPECT_THAT(xml, HasSubstr("&lt;"));
  EXPECT_THAT(xml, HasSubstr("&amp;"));
  EXPECT_THAT(xml, HasSubstr("&quot;"));
  const auto doc = parse_junit(xml);
  const auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("name").value(), "a<b & \"c\"");
  const auto first = find_case(doc, "put.p99 < 50ms && \"x\" > 'y'");
  ASSERT_TRUE(first);
  EXPECT_STREQ(first.attribute("classname").value(), "a<b & \"c\".thresholds");
  EXPECT_STREQ(first.child("failure").attribute("message").value(), "measured 70.0ms");
  EXPECT_EQ(std::string(first.child("failure").text().get()),
            "put.p99 < 50ms && \"x\" > 'y' failed: measured 70.0ms");
  EXPECT_TRUE(find_case(doc, "errors.rate <= 0.1 <&\">"));
}

TEST(JunitWriter, EmptyReportIsAValidEmptySuite) {
  RunReport r;
  const auto doc = parse_junit(format_junit(r));
  const auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("name").value(), "s3storm");
  EXPECT_EQ(suite.attribute("tests").as_int(), 0);
  EXPECT_FALSE(suite.child("testcase"));
}

TEST(JunitWriter, WritesTheFileMakingItsDirectory) {
  const std::filesystem::path dir =
      ::testing::TempDir() + "s3storm-junit-" + std::to_string(::getpid());
  const auto path = (dir / "nested" / "junit.xml").string();
  const auto report = testing::sample_report(0, 1, 100);
  write_junit_file(report, path);
  std::ifstream in(path, std::ios::binary);
  const std::string written{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(written, format_junit(report));
  std::filesystem::remove_all(dir);
}

TEST(JunitWriter, UnwritablePathIsAUsageErrorNamingIt) {
  const auto report = testing::sample_report(0, 1, 10);
  try {
    write_junit_file(report, "/proc/s3storm-no/junit.xml");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/proc/s3storm-no/junit.xml"));
  }
}

}  // namespace
}  // namespace s3storm::report
