#include "metrics/exposition.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace s3storm::metrics {
namespace {

// A strict reader of the text format 0.0.4: every line a HELP, a TYPE, or a sample of a family
// whose TYPE came first; label values properly escaped; values numbers. Returns "name{labels}"
// -> value; fails the test on anything else.
std::string fmt_le(double le) {
  std::ostringstream out;
  out << le;
  return out.str();
}

std::map<std::string, double> parse_strictly(const std::string& text) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) [^\n]*)");
  static const std::regex kType(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped))");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.]+(e[-+]?[0-9]+)?|NaN|\+Inf|-Inf))");
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) continue;
    if (std::regex_match(line, m, kType)) {
      EXPECT_TRUE(types.emplace(m[1], m[2]).second) << "TYPE twice: " << line;
      continue;
    }
    if (!std::regex_match(line, m, kSample)) {
      ADD_FAILURE() << "not a sample: '" << line << "'";
      continue;
    }
    std::string family = m[1];
    for (const char* suffix : {"_sum", "_count", "_bucket"}) {
      const std::string s = suffix;
      if (!types.contains(family) && family.ends_with(s)) family.resize(family.size() - s.size());
    }
    EXPECT_TRUE(types.contains(family)) << "sample before its TYPE: " << line;
    const std::string key = line.substr(0, line.rfind(' '));
    EXPECT_TRUE(samples.emplace(key, std::stod(line.substr(line.rfind(' ') + 1))).second)
        << "sample twice: " << line;
  }
  return samples;
}

LiveView sample_view() {
  stats::PhaseRecorder phase("st\"orm");
  auto& worker = phase.add_worker();
  stats::OpOutcome ok;
  ok.ok = true;
  ok.latency_us = 2000;
  ok.bytes = 1024;
  worker.record(OpKind::kPut, ok);
  worker.record(OpKind::kPut, ok);
  stats::OpOutcome failed;
  failed.latency_us = 40000;
  failed.error_code = "SlowDown";
  worker.record(OpKind::kPut, failed);
  LiveView view;
  view.version = "1.2.3";
  view.phases.push_back(phase.live(stats::LiveDetail::kLatency));
  view.in_flight = 7;
  view.events_checked = true;
  events::EventTypeSummary put;
  put.name = "ObjectCreated:Put";
  put.expected = 3;
  put.delivered = 2;
  put.missing = 1;
  put.unmatched = 2;
  put.delivery_us.record(700);
  put.delivery_us.record(120'000);
  view.events.types.push_back(put);
  view.foreign_events = 5;
  return view;
}

TEST(Exposition, IsStrictTextFormatWithTheCountsItWasGiven) {
  const auto samples = parse_strictly(render_exposition(sample_view()));
  const std::string put = R"(op="put",phase="st\"orm")";
  EXPECT_EQ(samples.at("s3storm_build_info{version=\"1.2.3\"}"), 1);
  EXPECT_EQ(samples.at("s3storm_ops_total{" + put + ",outcome=\"ok\"}"), 2);
  EXPECT_EQ(samples.at("s3storm_ops_total{" + put + ",outcome=\"error\"}"), 1);
  EXPECT_EQ(samples.at("s3storm_errors_total{" + put + ",code=\"SlowDown\"}"), 1);
  EXPECT_EQ(samples.at("s3storm_bytes_total{" + put + "}"), 2048);
  EXPECT_EQ(samples.at("s3storm_latency_seconds_count{" + put + "}"), 3);
  EXPECT_DOUBLE_EQ(samples.at("s3storm_latency_seconds_sum{" + put + "}"), 0.044);
  EXPECT_EQ(samples.at("s3storm_in_flight"), 7);
  EXPECT_EQ(samples.at("s3storm_events_expected_total{type=\"ObjectCreated:Put\"}"), 3);
  EXPECT_EQ(samples.at("s3storm_events_delivered_total{type=\"ObjectCreated:Put\"}"), 2);
  EXPECT_EQ(samples.at("s3storm_events_missing{type=\"ObjectCreated:Put\"}"), 1);
  EXPECT_EQ(samples.at("s3storm_events_unexpected_total{type=\"ObjectCreated:Put\"}"), 0);
  EXPECT_EQ(samples.at("s3storm_events_unmatched{type=\"ObjectCreated:Put\"}"), 2);
  EXPECT_EQ(samples.at("s3storm_events_foreign_total"), 5);
  // Operations that never ran have no series.
  for (const auto& [name, value] : samples) EXPECT_EQ(name.find("op=\"copy\""), std::string::npos);
}

TEST(Exposition, LatencyIsAHistogramWithCumulativeBuckets) {
  const auto text = render_exposition(sample_view());
  EXPECT_NE(text.find("# TYPE s3storm_latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE s3storm_event_delivery_seconds histogram\n"), std::string::npos);
  const auto samples = parse_strictly(text);
  const std::string put = R"(op="put",phase="st\"orm")";
  auto bucket = [&](const std::string& family, const std::string& labels, const std::string& le) {
    return samples.at(family + "_bucket{" + labels + ",le=\"" + le + "\"}");
  };
  // 2 ms, 2 ms, 40 ms.
  EXPECT_EQ(bucket("s3storm_latency_seconds", put, "0.001"), 0);
  EXPECT_EQ(bucket("s3storm_latency_seconds", put, "0.0025"), 2);
  EXPECT_EQ(bucket("s3storm_latency_seconds", put, "0.025"), 2);
  EXPECT_EQ(bucket("s3storm_latency_seconds", put, "0.05"), 3);
  EXPECT_EQ(bucket("s3storm_latency_seconds", put, "+Inf"), 3);
  double previous = 0;
  std::size_t buckets = 0;
  for (const auto& [name, value] : samples) {
    if (!name.starts_with("s3storm_latency_seconds_bucket{")) continue;
    ++buckets;
    EXPECT_LE(value, 3) << name;
  }
  EXPECT_EQ(buckets, kLatencyBounds.size() + 1);
  for (const double le : kLatencyBounds) {
    const double n = bucket("s3storm_latency_seconds", put, fmt_le(le));
    EXPECT_GE(n, previous) << le;
    previous = n;
  }
  // Delivery: 0.7 ms and 120 ms.
  const std::string type = R"(type="ObjectCreated:Put")";
  EXPECT_EQ(bucket("s3storm_event_delivery_seconds", type, "0.001"), 1);
  EXPECT_EQ(bucket("s3storm_event_delivery_seconds", type, "0.1"), 1);
  EXPECT_EQ(bucket("s3storm_event_delivery_seconds", type, "0.25"), 2);
  EXPECT_EQ(samples.at("s3storm_event_delivery_seconds_count{" + type + "}"), 2);
  EXPECT_DOUBLE_EQ(samples.at("s3storm_event_delivery_seconds_sum{" + type + "}"), 0.1207);
}

TEST(Exposition, NoEventFamiliesWhenEventsAreNotChecked) {
  LiveView view;
  const auto text = render_exposition(view);
  parse_strictly(text);
  EXPECT_EQ(text.find("s3storm_events_"), std::string::npos);
  EXPECT_NE(text.find("s3storm_in_flight 0\n"), std::string::npos);
}

TEST(Exposition, EscapesLabelValues) {
  EXPECT_EQ(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(Exposition, TheStrictReaderRejectsBrokenText) {
  EXPECT_NONFATAL_FAILURE(parse_strictly("# TYPE x counter\nx{a=\"b} 1\n"), "not a sample");
  EXPECT_NONFATAL_FAILURE(parse_strictly("y 1\n"), "before its TYPE");
  EXPECT_NONFATAL_FAILURE(parse_strictly("# TYPE x counter\nx one\n"), "not a sample");
}

}  // namespace
}  // namespace s3storm::metrics
