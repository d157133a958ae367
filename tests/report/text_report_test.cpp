#include "report/text_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_report.hpp"

namespace s3storm::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TextReport, HumanDurations) {
  EXPECT_EQ(format_duration_us(0), "0µs");
  EXPECT_EQ(format_duration_us(999), "999µs");
  EXPECT_EQ(format_duration_us(1000), "1.00ms");
  EXPECT_EQ(format_duration_us(12'345), "12.3ms");
  EXPECT_EQ(format_duration_us(999'000), "999ms");
  EXPECT_EQ(format_duration_us(1'500'000), "1.50s");
  EXPECT_EQ(format_duration_us(3'600'000'000ull), "3600s");
}

TEST(TextReport, ShowsPhasesErrorsEventsAndThresholds) {
  const std::string text = format_text_report(testing::sample_report());
  EXPECT_THAT(text, HasSubstr("Scenario sample (examples/sample.yaml)"));
  EXPECT_THAT(text, HasSubstr("Started 2025-11-25T19:46:40.000Z, ran 20.50 s"));
  EXPECT_THAT(text, HasSubstr("Phase storm (started at 5.250 s, 15.25 s, dropped iterations: 7)"));
  EXPECT_THAT(text, HasSubstr("All phases (20.50 s, dropped iterations: 7)"));
  EXPECT_THAT(text, HasSubstr("op                  count        ok     err"));
  EXPECT_THAT(text, HasSubstr("\n  put "));
  EXPECT_THAT(text, HasSubstr("\n    service "));
  EXPECT_THAT(text, HasSubstr("put errors: NoSuchKey"));
  EXPECT_THAT(text, HasSubstr("HTTP 503"));
  EXPECT_THAT(text, HasSubstr("Events (source: webhook)"));
  EXPECT_THAT(text, HasSubstr("unexpected mismatch  early      p50      p99      max  send p99"));
  EXPECT_THAT(text, HasSubstr("ObjectCreated:Put                              500       490       "
                              "10      5          0        9     13"));
  EXPECT_THAT(text,
              HasSubstr("ObjectRemoved:Delete                             0         0        "
                        "0      0          4        0      0        -        -        -         "
                        "-\n"));
  EXPECT_THAT(text, HasSubstr("mismatched (first 20): test-bucket/obj-7 (ObjectCreated:Put: eTag "
                              "0badc0de) test-bucket/obj-67 "));
  EXPECT_THAT(text, HasSubstr("missing (first 20): test-bucket/obj-0 "));
  EXPECT_THAT(text, HasSubstr("receiver rejected: HTTP 400 2"));
  EXPECT_THAT(text, HasSubstr("FAIL  events.missing == 0  (measured 10)"));
  EXPECT_THAT(text, Not(HasSubstr("\n  get ")));
}

// A report of one one-second phase with each outcome recorded under its operation.
RunReport one_phase(const char* scenario,
                    std::initializer_list<std::pair<OpKind, stats::OpOutcome>> outcomes) {
  RunReport r;
  r.scenario = scenario;
  stats::PhaseStats p;
  p.name = "p";
  p.duration_s = 1;
  for (const auto& [kind, outcome] : outcomes) p.op(kind).record(outcome);
  r.phases.push_back(p);
  return r;
}

stats::OpOutcome outcome(bool ok, std::uint64_t latency_us, int status = 200,
                         std::string_view code = {}) {
  stats::OpOutcome o;
  o.ok = ok;
  o.latency_us = o.service_us = latency_us;
  o.http_status = static_cast<std::uint16_t>(status);
  o.error_code = code;
  o.epoch_second = 1;
  return o;
}

TEST(TextReport, AStatusThatIsAlsoTheErrorCodeIsListedOnce) {
  const auto head_404 = outcome(false, 5, 404, "HTTP 404");  // no body, so no S3 code
  const auto r = one_phase("errors", {{OpKind::kHead, head_404},
                                      {OpKind::kHead, head_404},
                                      {OpKind::kHead, outcome(false, 5, 503, "SlowDown")}});
  EXPECT_THAT(format_text_report(r),
              HasSubstr("head errors: HTTP 404 2, SlowDown 1, HTTP 503 1\n"));
}

TEST(TextReport, AFailureWithoutAReplyIsListedByItsTransportCodeOnly) {
  const auto r = one_phase("errors", {{OpKind::kPut, outcome(false, 5, 0, "timeout")},
                                      {OpKind::kPut, outcome(false, 5, 0, "reset")},
                                      {OpKind::kPut, outcome(false, 5, 0, "reset")}});
  EXPECT_THAT(format_text_report(r), HasSubstr("put errors: reset 2, timeout 1\n"));
}

TEST(TextReport, ColumnsLineUpWhateverTheUnits) {
  const auto r = one_phase(
      "align", {{OpKind::kGet, outcome(true, 5)}, {OpKind::kHead, outcome(true, 5'000'000)}});
  const std::string text = format_text_report(r);
  auto line_of = [&](const char* op) {
    const auto start = text.find(std::string("\n  ") + op + " ");
    return text.substr(start + 1, text.find('\n', start + 1) - start - 1);
  };
  // Same display width, although "µs" has one more byte than "ms".
  auto width = [](const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  EXPECT_EQ(width(line_of("get")), width(line_of("head")));
}

}  // namespace
}  // namespace s3storm::report
