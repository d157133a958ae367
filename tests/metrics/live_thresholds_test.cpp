// abort_on_fail: thresholds judged on the live numbers of a run in progress (engine::LiveRun's
// snapshot through report::failed_abort_thresholds).
#include <gtest/gtest.h>

#include <thread>

#include "engine/live_run.hpp"
#include "report/thresholds.hpp"
#include "scenario/threshold_parser.hpp"

namespace s3storm {
namespace {

using namespace std::chrono_literals;

scenario::Threshold threshold(const std::string& text, bool abort, std::chrono::nanoseconds delay) {
  auto t = scenario::parse_threshold(text, {"storm"});
  t.abort_on_fail = abort;
  t.delay = delay;
  return t;
}

stats::OpOutcome put(bool ok, std::uint64_t latency_us) {
  stats::OpOutcome o;
  o.ok = ok;
  o.latency_us = latency_us;
  o.error_code = ok ? "" : "ServiceUnavailable";
  return o;
}

TEST(LiveThresholds, AFailingAbortThresholdIsReportedOnceItsDelayHasPassed) {
  engine::LiveRun run(engine::LiveRun::Clock::now());
  auto& phase = run.begin_phase("storm").add_worker();
  for (int i = 0; i < 90; ++i) phase.record(OpKind::kPut, put(true, 1000));
  for (int i = 0; i < 10; ++i) phase.record(OpKind::kPut, put(false, 1000));
  const std::vector<scenario::Threshold> thresholds = {
      threshold("errors.rate < 0.05", true, 2s),   // fails, but not before 2 s
      threshold("errors.rate < 0.5", true, 0s),    // passes
      threshold("errors.count < 5", false, 0s),    // fails, but does not abort
      threshold("events.missing == 0", true, 0s),  // cannot be judged live
  };
  const auto snapshot = run.snapshot_report();
  EXPECT_TRUE(report::failed_abort_thresholds(snapshot, thresholds, 1s).empty());
  const auto failed = report::failed_abort_thresholds(snapshot, thresholds, 2s);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].expr, "errors.rate < 0.05");
  EXPECT_DOUBLE_EQ(failed[0].measured, 0.1);
  EXPECT_FALSE(failed[0].pass);
}

TEST(LiveThresholds, LatencyAndRatesComeFromTheLiveNumbers) {
  engine::LiveRun run(engine::LiveRun::Clock::now());
  auto& warm_phase = run.begin_phase("warm");
  auto& warm = warm_phase.add_worker();
  for (int i = 0; i < 100; ++i) warm.record(OpKind::kPut, put(true, 1000));
  run.end_phase(warm_phase);
  auto& storm = run.begin_phase("storm").add_worker();
  for (int i = 0; i < 100; ++i) storm.record(OpKind::kPut, put(true, 80'000));
  const auto snapshot = run.snapshot_report();
  ASSERT_EQ(snapshot.phases.size(), 2u);
  EXPECT_EQ(snapshot.phases[1].name, "storm");
  const std::vector<scenario::Threshold> thresholds = {threshold("put.p99 < 50ms", true, 0s),
                                                       threshold("put.p50 < 50ms", true, 0s),
                                                       threshold("put.count > 150", true, 0s)};
  const auto failed = report::failed_abort_thresholds(snapshot, thresholds, 1s);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].expr, "put.p99 < 50ms");
  EXPECT_GE(failed[0].measured, 0.08);
  EXPECT_LT(failed[0].measured, 0.08 * (1 + 1.0 / 1024));  // the report's own histogram
  EXPECT_TRUE(report::judged_live(thresholds[0]));
  EXPECT_FALSE(report::judged_live(threshold("events.delivery.p99 < 1s", true, 0s)));
  EXPECT_FALSE(report::judged_live(threshold("phase.storm.dropped == 0", true, 0s)));
  EXPECT_TRUE(report::judged_live(threshold("phase.storm.errors == 0", true, 0s)));
}

TEST(LiveThresholds, APhaseThatEndedKeepsItsDuration) {
  engine::LiveRun run(engine::LiveRun::Clock::now());
  const auto& a = run.begin_phase("a");
  std::this_thread::sleep_for(20ms);
  run.end_phase(a);
  const double first = run.snapshot_report().phases[0].duration_s;
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(run.snapshot_report().phases[0].duration_s, first);
  EXPECT_GE(first, 0.02);
  EXPECT_GT(run.snapshot_report().duration_s, first);
}

TEST(LiveThresholds, PhasesRunningTogetherEndEachOnItsOwn) {
  engine::LiveRun run(engine::LiveRun::Clock::now());
  const auto& writers = run.begin_phase("writers");
  const auto& readers = run.begin_phase("readers");
  std::this_thread::sleep_for(20ms);
  run.end_phase(writers);  // the first begun ends first: the other goes on
  const double writers_took = run.snapshot_report().phases[0].duration_s;
  std::this_thread::sleep_for(20ms);
  const auto snapshot = run.snapshot_report();
  EXPECT_EQ(snapshot.phases[0].duration_s, writers_took);
  EXPECT_GE(snapshot.phases[1].duration_s, writers_took + 0.02);
  run.end_phase(readers);
}

}  // namespace
}  // namespace s3storm
