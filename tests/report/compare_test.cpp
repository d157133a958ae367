#include "report/compare.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "sample_report.hpp"

namespace s3storm::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// `count` operations of `kind`, all taking `latency_us`, over `seconds`.
void add_ops(stats::PhaseStats& phase, OpKind kind, int count, std::uint64_t latency_us) {
  stats::OpOutcome o;
  o.ok = true;
  o.latency_us = o.service_us = latency_us;
  o.epoch_second = 1;
  for (int i = 0; i < count; ++i) phase.op(kind).record(o);
}

RunReport one_phase(const char* name, int puts, std::uint64_t put_us, double seconds = 10) {
  RunReport r;
  r.scenario = "cmp";
  stats::PhaseStats phase;
  phase.name = name;
  phase.duration_s = seconds;
  add_ops(phase, OpKind::kPut, puts, put_us);
  r.phases.push_back(phase);
  return r;
}

TEST(Compare, RelativeChange) {
  EXPECT_DOUBLE_EQ(relative_change(100, 125), 0.25);
  EXPECT_DOUBLE_EQ(relative_change(100, 80), -0.2);
  EXPECT_DOUBLE_EQ(relative_change(0, 0), 0);
  EXPECT_TRUE(std::isinf(relative_change(0, 5)));
}

TEST(Compare, ParsesPercentLimits) {
  EXPECT_DOUBLE_EQ(parse_regression_limit("10%"), 0.1);
  EXPECT_DOUBLE_EQ(parse_regression_limit("0%"), 0);
  EXPECT_DOUBLE_EQ(parse_regression_limit("12.5%"), 0.125);
  for (const char* bad : {"", "10", "%", "-5%", "ten%", "10%%", "0.1", "inf%", "nan%"}) {
    EXPECT_THROW(parse_regression_limit(bad), std::invalid_argument) << bad;
  }
}

TEST(Compare, SameReportHasNoDeltaAndNoRegression) {
  const auto sample = testing::sample_report();
  const auto c = compare_reports(sample, sample, 0);
  // The sample runs put, copy, delete in both phases (get/head/... never).
  ASSERT_EQ(c.ops.size(), 6u);
  EXPECT_FALSE(c.any_regression());
  for (const auto& op : c.ops) {
    EXPECT_TRUE(op.in_base && op.in_new);
    EXPECT_EQ(op.base_us, op.new_us);
    EXPECT_DOUBLE_EQ(op.base_rate, op.new_rate);
  }
  EXPECT_EQ(c.ops[0].phase, "warmup");
  EXPECT_EQ(c.ops[0].op, "put");
  // A quarter of the warmup's 3000 operations are puts (see sample_report), over 5 s.
  EXPECT_DOUBLE_EQ(c.ops[0].base_rate, 750.0 / 5.0);
  const std::string text = format_comparison(c);
  EXPECT_THAT(text, HasSubstr("Phase warmup"));
  EXPECT_THAT(text, HasSubstr("Phase storm"));
  EXPECT_THAT(text, HasSubstr("+0.0%"));
  EXPECT_THAT(text, HasSubstr("No regression beyond 0%"));
  EXPECT_THAT(text, Not(HasSubstr("REGRESSION")));
}

TEST(Compare, DeltasOfRateAndPercentiles) {
  const auto base = one_phase("storm", 1000, 2000);       // 100 ops/s, 2ms
  const auto candidate = one_phase("storm", 1200, 1000);  // 120 ops/s, 1ms: better both ways
  const auto c = compare_reports(base, candidate, 0.1);
  ASSERT_EQ(c.ops.size(), 1u);
  const auto& put = c.ops[0];
  EXPECT_DOUBLE_EQ(put.base_rate, 100);
  EXPECT_DOUBLE_EQ(put.new_rate, 120);
  // Bucket bounds are within 1/1024 of the recorded value.
  EXPECT_NEAR(static_cast<double>(put.base_us[2]), 2000, 2);
  EXPECT_NEAR(static_cast<double>(put.new_us[2]), 1000, 1);
  EXPECT_FALSE(c.any_regression());
  const std::string text = format_comparison(c);
  EXPECT_THAT(text, HasSubstr("+20.0%"));
  EXPECT_THAT(text, HasSubstr("-50.0%"));
}

TEST(Compare, LatencyUpBeyondTheLimitIsARegression) {
  const auto base = one_phase("storm", 1000, 1000);
  const auto candidate = one_phase("storm", 1000, 1300);  // p99 +30%
  EXPECT_TRUE(compare_reports(base, candidate, 0.1).any_regression());
  EXPECT_TRUE(compare_reports(base, candidate, 0.1).ops[0].p99_regressed);
  EXPECT_FALSE(compare_reports(base, candidate, 0.1).ops[0].rate_regressed);
  EXPECT_FALSE(compare_reports(base, candidate, 0.5).any_regression());
  // The other way round it is an improvement, whatever the limit.
  EXPECT_FALSE(compare_reports(candidate, base, 0).any_regression());
  const std::string text = format_comparison(compare_reports(base, candidate, 0.1));
  EXPECT_THAT(text, HasSubstr("REGRESSION"));
  EXPECT_THAT(text, HasSubstr("1 regression(s) beyond 10%: storm put p99 +30"));
}

TEST(Compare, RateDownBeyondTheLimitIsARegression) {
  const auto base = one_phase("storm", 1000, 1000);
  const auto candidate = one_phase("storm", 800, 1000);  // rate -20%
  const auto c = compare_reports(base, candidate, 0.1);
  ASSERT_EQ(c.ops.size(), 1u);
  EXPECT_TRUE(c.ops[0].rate_regressed);
  EXPECT_FALSE(c.ops[0].p99_regressed);
  EXPECT_FALSE(compare_reports(base, candidate, 0.25).any_regression());
  EXPECT_FALSE(compare_reports(candidate, base, 0.1).any_regression());
  EXPECT_THAT(format_comparison(c), HasSubstr("storm put ops/s -20.0%"));
}

TEST(Compare, RateComesFromEachSidesOwnDuration) {
  // Same count over twice the time: half the rate.
  const auto c =
      compare_reports(one_phase("p", 1000, 1000, 10), one_phase("p", 1000, 1000, 20), 0.4);
  EXPECT_DOUBLE_EQ(c.ops[0].new_rate, 50);
  EXPECT_TRUE(c.ops[0].rate_regressed);
}

TEST(Compare, PhasesOnlyOnOneSideAreListedNotJudged) {
  auto base = one_phase("warmup", 100, 1000);
  base.phases.push_back(one_phase("storm", 100, 1000).phases[0]);
  auto candidate = one_phase("storm", 100, 1000);
  candidate.phases.push_back(one_phase("soak", 10, 90000).phases[0]);
  const auto c = compare_reports(base, candidate, 0.1);
  ASSERT_EQ(c.ops.size(), 1u);
  EXPECT_EQ(c.ops[0].phase, "storm");
  EXPECT_EQ(c.only_in_base, std::vector<std::string>{"warmup"});
  EXPECT_EQ(c.only_in_new, std::vector<std::string>{"soak"});
  EXPECT_FALSE(c.any_regression());
  const std::string text = format_comparison(c);
  EXPECT_THAT(text, HasSubstr("Phases only in the base (not compared): warmup"));
  EXPECT_THAT(text, HasSubstr("Phases only in the new run (not compared): soak"));
  EXPECT_THAT(text, Not(HasSubstr("Phase warmup")));

  const auto disjoint = compare_reports(one_phase("a", 1, 1), one_phase("b", 1, 1), 0.1);
  EXPECT_TRUE(disjoint.ops.empty());
  EXPECT_THAT(format_comparison(disjoint), HasSubstr("No operations to compare"));
}

TEST(Compare, AnOperationThatStoppedRunningRegressedOneThatStartedDidNot) {
  auto base = one_phase("storm", 100, 1000);
  add_ops(base.phases[0], OpKind::kDelete, 50, 1000);
  auto candidate = one_phase("storm", 100, 1000);
  add_ops(candidate.phases[0], OpKind::kGet, 50, 1000);
  const auto c = compare_reports(base, candidate, 0.1);
  ASSERT_EQ(c.ops.size(), 3u);  // put, delete, get in OpKind order
  EXPECT_EQ(c.ops[1].op, "delete");
  EXPECT_TRUE(c.ops[1].in_base);
  EXPECT_FALSE(c.ops[1].in_new);
  EXPECT_TRUE(c.ops[1].rate_regressed);
  EXPECT_EQ(c.ops[2].op, "get");
  EXPECT_FALSE(c.ops[2].regressed());
  const std::string text = format_comparison(c);
  EXPECT_THAT(text, HasSubstr("gone  REGRESSION"));
  EXPECT_THAT(text, HasSubstr("new\n"));
}

}  // namespace
}  // namespace s3storm::report
