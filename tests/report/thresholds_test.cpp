#include "report/thresholds.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "sample_report.hpp"
#include "scenario/threshold_parser.hpp"

namespace s3storm::report {
namespace {

// The sample's PUT events: 500 expected, every 50th missing, every 100th (from 1) duplicated, 13
// delivered before their PUT completed; 4 unexpected DELETE events.
TEST(Thresholds, EventCountsAddUpOverEventTypes) {
  const RunReport report = testing::sample_report();
  EXPECT_EQ(measure(report, {"events", "expected"}), 500);
  EXPECT_EQ(measure(report, {"events", "delivered"}), 490);
  EXPECT_EQ(measure(report, {"events", "missing"}), 10);
  EXPECT_EQ(measure(report, {"events", "duplicate"}), 5);
  EXPECT_EQ(measure(report, {"events", "duplicated"}), 5);
  EXPECT_EQ(measure(report, {"events", "unexpected"}), 4);
  EXPECT_EQ(measure(report, {"events", "early"}), 13);
  EXPECT_EQ(measure(report, {"events", "mismatched"}), 9);
}

// A live snapshot copies latency histograms only for thresholds that read them: every other
// threshold must measure the same without them.
TEST(Thresholds, OnlyLatencyThresholdsReadTheLatencyHistograms) {
  const RunReport report = testing::sample_report();
  RunReport without = report;
  for (auto& phase : without.phases) {
    for (auto& op : phase.ops) op.latency = stats::Histogram();
  }
  const std::pair<const char*, bool> cases[] = {
      {"put.p99 < 50ms", true},         {"all.max < 1s", true},      {"delete.mean < 1s", true},
      {"errors.rate < 1%", false},      {"errors.count < 5", false}, {"ops.rate > 1/s", false},
      {"ops.put.count > 1", false},     {"put.count > 1", false},    {"put.errors < 2", false},
      {"phase.storm.errors < 1", false}};
  for (const auto& [expression, reads] : cases) {
    const auto threshold = scenario::parse_threshold(expression, {"warmup", "storm"});
    EXPECT_EQ(reads_latency(threshold), reads) << expression;
    if (!reads) {
      EXPECT_EQ(measure(report, threshold.metric), measure(without, threshold.metric))
          << expression;
    } else {
      EXPECT_NE(measure(report, threshold.metric), measure(without, threshold.metric))
          << expression;
    }
  }
}

TEST(Thresholds, DeliveryFromSendIsItsOwnLatency) {
  const RunReport report = testing::sample_report();
  // The sample's from-send latencies run 5 ms above the completion-based ones, and none is 0.
  const double from_send = measure(report, {"events", "delivery_from_send", "max"});
  const double from_completion = measure(report, {"events", "delivery", "max"});
  EXPECT_NEAR(from_send - from_completion, 0.005, 0.0005);
  EXPECT_GT(measure(report, {"events", "delivery_from_send", "p50"}),
            measure(report, {"events", "delivery", "p50"}));
  const auto results = evaluate_thresholds(
      report, {scenario::parse_threshold("events.delivery_from_send.p99 < 100ms", {}),
               scenario::parse_threshold("events.mismatched == 0", {})});
  EXPECT_TRUE(results[0].pass);
  EXPECT_FALSE(results[1].pass);
}

// events.outages: the counts add up over outages; recovery is the longest, and an outage no
// event followed never recovered.
TEST(Thresholds, OutageCountsAndRecovery) {
  RunReport report = testing::sample_report();
  EXPECT_EQ(measure(report, {"events", "outage_recovery"}), 0);
  report.events.outages.push_back({"503", 2, 4, 10, 3, 1, 0.5, 2.5});
  report.events.outages.push_back({"refuse", 10, 1, 5, 0, 2, 0.1, 1.5});
  EXPECT_EQ(measure(report, {"events", "outage_late"}), 15);
  EXPECT_EQ(measure(report, {"events", "outage_lost"}), 3);
  EXPECT_EQ(measure(report, {"events", "outage_duplicated"}), 3);
  EXPECT_EQ(measure(report, {"events", "outage_recovery"}), 2.5);
  const auto results =
      evaluate_thresholds(report, {scenario::parse_threshold("events.outage_recovery < 2s", {}),
                                   scenario::parse_threshold("events.outage_lost == 3", {})});
  EXPECT_FALSE(results[0].pass);
  EXPECT_TRUE(results[1].pass);
  report.events.outages.push_back({"stall", 20, 1, 0, 4, 0, -1, -1});
  EXPECT_TRUE(std::isinf(measure(report, {"events", "outage_recovery"})));
}

TEST(Thresholds, AnEarlyThresholdIsJudgedLikeTheOtherCounts) {
  const RunReport report = testing::sample_report();
  const auto results =
      evaluate_thresholds(report, {scenario::parse_threshold("events.early == 0", {}),
                                   scenario::parse_threshold("events.early <= 13", {})});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].pass);
  EXPECT_EQ(results[0].measured, 13);
  EXPECT_TRUE(results[1].pass);
}

TEST(Thresholds, MeasuredValuesCarryTheirUnit) {
  const RunReport report = testing::sample_report();
  const auto results =
      evaluate_thresholds(report, {scenario::parse_threshold("put.p99 < 500ms", {}),
                                   scenario::parse_threshold("errors.rate < 0.1%", {}),
                                   scenario::parse_threshold("ops.rate > 10/s", {}),
                                   scenario::parse_threshold("events.missing == 0", {})});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].unit, "s");
  EXPECT_THAT(format_measured(results[0]), ::testing::EndsWith("ms"));
  EXPECT_EQ(results[1].unit, "fraction");
  EXPECT_THAT(format_measured(results[1]), ::testing::EndsWith("%"));
  EXPECT_EQ(results[2].unit, "/s");
  EXPECT_THAT(format_measured(results[2]), ::testing::EndsWith("/s"));
  EXPECT_EQ(results[3].unit, "");
  EXPECT_EQ(format_measured(results[3]), "10");
  EXPECT_EQ(format_measured({"x", 0.00225, true, "s"}), "2.25ms");
  EXPECT_EQ(format_measured({"x", 0.0125, true, "fraction"}), "1.25%");
}

// Before any phase has started (a live snapshot) a run has no per-endpoint numbers yet: its
// endpoint thresholds measure 0 rather than fail to measure.
TEST(Thresholds, EndpointMetricsOfARunWithoutPhasesMeasureZero) {
  const RunReport empty;
  for (const char* expression : {"endpoint[1].errors.rate < 1%", "endpoint[1].ops.rate > 1/s",
                                 "endpoint[0].put.p99 < 1s", "endpoint[0].all.count == 0"}) {
    const auto results = evaluate_thresholds(empty, {scenario::parse_threshold(expression, {}, 2)});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].measured, 0) << expression;
  }
}

}  // namespace
}  // namespace s3storm::report
