#include <gtest/gtest.h>

#include "scenario/threshold_parser.hpp"

namespace s3storm::scenario {
namespace {

const std::vector<std::string> kPhases = {"storm", "warmup"};

TEST(Threshold, ParsesMetricComparatorAndValue) {
  const auto t = parse_threshold("  put.p999 <= 250us ", kPhases);
  EXPECT_EQ(t.expression, "put.p999 <= 250us");
  EXPECT_EQ(t.metric, (std::vector<std::string>{"put", "p999"}));
  EXPECT_EQ(t.comparator, Comparator::kLe);
  EXPECT_DOUBLE_EQ(t.value, 250e-6);
  EXPECT_EQ(t.unit, ValueUnit::kDurationSeconds);
}

TEST(Threshold, EveryMetricFamily) {
  EXPECT_EQ(parse_threshold("errors.rate<0.001", kPhases).unit, ValueUnit::kNumber);
  EXPECT_DOUBLE_EQ(parse_threshold("errors.rate < 0.5%", kPhases).value, 0.005);
  EXPECT_EQ(parse_threshold("ops.rate > 100/s", kPhases).unit, ValueUnit::kPerSecond);
  EXPECT_DOUBLE_EQ(parse_threshold("ops.copy.rate > 60/m", kPhases).value, 1);
  EXPECT_EQ(parse_threshold("events.delivery.p99 < 2s", kPhases).unit, ValueUnit::kDurationSeconds);
  EXPECT_EQ(parse_threshold("events.duplicated == 0", kPhases).comparator, Comparator::kEq);
  EXPECT_EQ(parse_threshold("events.outage_recovery < 10s", kPhases).unit,
            ValueUnit::kDurationSeconds);
  EXPECT_EQ(parse_threshold("events.outage_lost == 0", kPhases).value, 0);
  EXPECT_EQ(parse_threshold("events.outage_late <= 5", kPhases).value, 5);
  EXPECT_EQ(parse_threshold("events.outage_duplicated == 0", kPhases).comparator, Comparator::kEq);
  EXPECT_EQ(parse_threshold("events.duplicate <= 10", kPhases).value, 10);
  EXPECT_EQ(parse_threshold("events.early == 0", kPhases).metric,
            (std::vector<std::string>{"events", "early"}));
  EXPECT_EQ(parse_threshold("events.mismatched == 0", kPhases).metric,
            (std::vector<std::string>{"events", "mismatched"}));
  EXPECT_EQ(parse_threshold("events.delivery_from_send.p99 < 2s", kPhases).metric,
            (std::vector<std::string>{"events", "delivery_from_send", "p99"}));
  EXPECT_THROW(parse_threshold("events.delivery_from_send.count > 1", kPhases),
               std::invalid_argument);
  EXPECT_EQ(parse_threshold("phase.warmup.errors != 1", kPhases).comparator, Comparator::kNe);
  EXPECT_EQ(parse_threshold("all.mean > 1ms", kPhases).comparator, Comparator::kGt);
  EXPECT_EQ(parse_threshold("multipart.count >= 3", kPhases).comparator, Comparator::kGe);
}

TEST(Threshold, RejectsWhatCannotBeChecked) {
  for (const char* bad :
       {"put.p99", "put.p99 < ", "< 5ms", "put.p0 < 5ms", "put.p99 < 5", "putt.p99 < 5ms",
        "errors.rate < 5ms", "ops.rate > 100", "events.missing == 1s", "phase.nope.dropped == 0",
        "events.delivery.count < 1", "put.p99 < fast"}) {
    EXPECT_THROW(parse_threshold(bad, kPhases), std::invalid_argument) << bad;
  }
}

TEST(Threshold, TtfbSizeClassesAndEndpoints) {
  EXPECT_EQ(parse_threshold("get.ttfb.p99 < 20ms", kPhases).metric,
            (std::vector<std::string>{"get", "ttfb", "p99"}));
  EXPECT_EQ(parse_threshold("put.size.le_4KiB.p99 < 20ms", kPhases).unit,
            ValueUnit::kDurationSeconds);
  EXPECT_EQ(parse_threshold("put.size.gt_16MiB.count == 0", kPhases).unit, ValueUnit::kNumber);
  // endpoint[N] is stored as {"endpoint", "N", ...}.
  const auto t = parse_threshold("endpoint[1].errors.rate < 1%", kPhases, 2);
  EXPECT_EQ(t.metric, (std::vector<std::string>{"endpoint", "1", "errors", "rate"}));
  EXPECT_DOUBLE_EQ(t.value, 0.01);
  EXPECT_EQ(parse_threshold("endpoint[0].ops.rate > 5/s", kPhases, 2).unit, ValueUnit::kPerSecond);
  EXPECT_EQ(parse_threshold("endpoint[0].put.p99 < 5ms", kPhases, 2).unit,
            ValueUnit::kDurationSeconds);
  EXPECT_EQ(not_measurable_live(parse_threshold("endpoint[0].all.p99 < 5ms", kPhases, 2)), "");
  EXPECT_NE(not_measurable_live(parse_threshold("endpoint[0].put.p99 < 5ms", kPhases, 2)), "");
  EXPECT_NE(not_measurable_live(parse_threshold("put.size.le_1MiB.max < 5ms", kPhases)), "");
  for (const char* bad :
       {"put.size.le_5KiB.p99 < 1s", "put.size.<=4KiB.p99 < 1s", "put.ttfb.count < 1",
        "endpoint[2].ops.count == 0", "endpoint[-1].ops.count == 0", "endpoint[0].ops.p99 < 1s",
        "endpoint[0].errors.rate < 1s", "endpoint.errors.rate < 1%"}) {
    EXPECT_THROW(parse_threshold(bad, kPhases, 2), std::invalid_argument) << bad;
  }
  EXPECT_THROW(parse_threshold("endpoint[0].ops.count == 0", kPhases), std::invalid_argument);
}

}  // namespace
}  // namespace s3storm::scenario
