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
  EXPECT_THAT(text, HasSubstr("Phase storm (15.25 s, dropped iterations: 7)"));
  EXPECT_THAT(text, HasSubstr("All phases (20.50 s, dropped iterations: 7)"));
  EXPECT_THAT(text, HasSubstr("op                  count        ok     err"));
  EXPECT_THAT(text, HasSubstr("\n  put "));
  EXPECT_THAT(text, HasSubstr("\n    service "));
  EXPECT_THAT(text, HasSubstr("put errors: NoSuchKey"));
  EXPECT_THAT(text, HasSubstr("HTTP 503"));
  EXPECT_THAT(text, HasSubstr("Events (source: webhook)"));
  EXPECT_THAT(text, HasSubstr("unexpected  early      p50"));
  EXPECT_THAT(text, HasSubstr("ObjectCreated:Put                              500       490       "
                              "10      5          0     13"));
  EXPECT_THAT(text, HasSubstr("ObjectRemoved:Delete                             0         0        "
                              "0      0          4      0        -        -        -\n"));
  EXPECT_THAT(text, HasSubstr("missing (first 20): test-bucket/obj-0 "));
  EXPECT_THAT(text, HasSubstr("receiver rejected: HTTP 400 2"));
  EXPECT_THAT(text, HasSubstr("FAIL  events.missing == 0  (measured 10)"));
  EXPECT_THAT(text, Not(HasSubstr("\n  get ")));
}

TEST(TextReport, AStatusThatIsAlsoTheErrorCodeIsListedOnce) {
  RunReport r;
  r.scenario = "errors";
  stats::PhaseStats p;
  p.name = "p";
  p.duration_s = 1;
  stats::OpOutcome o;
  o.epoch_second = 1;
  o.http_status = 404;
  o.error_code = "HTTP 404";  // a HEAD 404: no body, so no S3 code
  p.op(stats::OpKind::kHead).record(o);
  p.op(stats::OpKind::kHead).record(o);
  o.http_status = 503;
  o.error_code = "SlowDown";
  p.op(stats::OpKind::kHead).record(o);
  r.phases.push_back(p);
  const std::string text = format_text_report(r);
  EXPECT_THAT(text, HasSubstr("head errors: HTTP 404 2, SlowDown 1, HTTP 503 1\n"));
}

TEST(TextReport, ColumnsLineUpWhateverTheUnits) {
  RunReport r;
  r.scenario = "align";
  stats::PhaseStats p;
  p.name = "p";
  p.duration_s = 1;
  stats::OpOutcome o;
  o.latency_us = o.service_us = 5;
  o.ok = true;
  o.epoch_second = 1;
  p.op(stats::OpKind::kGet).record(o);
  o.latency_us = o.service_us = 5'000'000;
  p.op(stats::OpKind::kHead).record(o);
  r.phases.push_back(p);
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
