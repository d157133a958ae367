// run_phase through the seams (a FakeSender per worker, a ManualTime): the workers record into
// the recorders prepare_workers made before the phase's start instant.

#include "engine/phase_runner.hpp"

#include <gtest/gtest.h>

#include "load_rig.hpp"

namespace s3storm::engine {
namespace {

TEST(PhaseRunner, WorkersRecordIntoTheRecordersPreparedBeforeTheStart) {
  testing::LoadRig rig(
      R"(    iterations: 3
    concurrency: 2
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
)",
      [](const testing::SeenRequest&) {
        return testing::FakeAnswer{.takes = std::chrono::milliseconds(1)};
      });
  rig.fake_transport_for_workers();
  stats::PhaseRecorder phase("load");
  rig.context.recorder = &phase;
  // Made (and their histograms allocated) before the phase's clock starts: not its time.
  prepare_workers(rig.context, 1);
  ASSERT_EQ(rig.context.worker_recorders.size(), 1u);
  const stats::WorkerRecorder* prepared = rig.context.worker_recorders[0];
  rig.context.start = rig.time.steady;

  const auto outcome = run_phase(rig.context, 1);

  EXPECT_EQ(rig.context.worker_recorders.size(), 1u);  // none made after the start
  EXPECT_EQ(prepared->stats().op(OpKind::kPut).ok, 3u);
  EXPECT_EQ(outcome.stats.op(OpKind::kPut).ok, 3u);
  EXPECT_EQ(outcome.pool.requests, 3u);
}

TEST(PhaseRunner, MakesOneRecorderPerWorkerWhenNotPrepared) {
  testing::LoadRig rig(
      R"(    iterations: 2
    concurrency: 1
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
)",
      [](const testing::SeenRequest&) { return testing::FakeAnswer{}; });
  rig.fake_transport_for_workers();
  stats::PhaseRecorder phase("load");
  rig.context.recorder = &phase;
  // Four threads asked, one slot: one worker, one recorder.
  const auto outcome = run_phase(rig.context, 4);
  EXPECT_EQ(rig.context.worker_recorders.size(), 1u);
  EXPECT_EQ(outcome.stats.op(OpKind::kPut).ok, 2u);
}

}  // namespace
}  // namespace s3storm::engine
