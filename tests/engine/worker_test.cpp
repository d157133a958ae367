// Worker through the seams: its transport made by PhaseContext::make_sender (a FakeSender on the
// worker's own io_context) and its clocks a ManualTime.

#include "engine/worker.hpp"

#include <gtest/gtest.h>

#include <set>

#include "load_rig.hpp"

namespace s3storm::engine {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Worker, ClosedLoopRunsEveryIterationOnItsSlots) {
  testing::LoadRig rig(
      R"(    iterations: 5
    concurrency: 2
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
)",
      [](const testing::SeenRequest&) { return testing::FakeAnswer{.takes = milliseconds(1)}; });
  rig.fake_transport_for_workers();
  Worker worker(rig.context, 0, 2, 0, rig.worker_recorder);
  worker.run();
  std::set<std::string> targets;
  for (const auto& request : rig.worker_fake->seen) targets.insert(request.target);
  EXPECT_EQ(targets, (std::set<std::string>{"/bkt/obj-0", "/bkt/obj-1", "/bkt/obj-2", "/bkt/obj-3",
                                            "/bkt/obj-4"}));
  EXPECT_EQ(rig.op(OpKind::kPut).ok, 5u);
  EXPECT_EQ(worker.pool_stats().requests, 5u);
  // Five answers of 1 ms each passed on the manual clock since the phase began.
  EXPECT_DOUBLE_EQ(rig.worker_recorder.stats().duration_s, 0.005);
}

TEST(Worker, OpenLoopStartsWithNoFreeSlotAreDroppedAndLatencyRunsFromTheSchedule) {
  // 10/s from a phase start one second ago on the manual clock: starts 0, 1 and 2 are all due
  // (Asio's timers run in real time, long past the manual steady epoch). The one slot holds start
  // 0 until the other two have been dropped.
  testing::LoadRig rig(
      R"(    iterations: 3
    rate: 10/s
    concurrency: 1
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
)",
      [](const testing::SeenRequest&) {
        return testing::FakeAnswer{.takes = milliseconds(10), .hold = true};
      });
  rig.context.start = rig.time.steady - seconds(1);
  rig.fake_transport_for_workers();
  Worker worker(rig.context, 0, 1, 0, rig.worker_recorder);
  ASSERT_NE(rig.worker_fake, nullptr);
  rig.worker_fake->release_when = [&rig] { return rig.worker_recorder.stats().dropped == 2; };
  worker.run();
  EXPECT_FALSE(rig.worker_fake->gave_up);
  EXPECT_EQ(rig.worker_recorder.stats().dropped, 2u);
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(put.ok, 1u);
  // Start 0 was due at the phase start, 1 s before it was sent; its answer took 10 ms more.
  EXPECT_EQ(put.latency.max(), 1'010'000u);
  EXPECT_EQ(put.service.max(), 10'000u);
}

// A 1 s phase at 10/s with slots to spare, whose worker first runs `behind` after the phase
// began (a generator that lost the CPU): the requests it sent and the starts it dropped.
struct SentAndDropped {
  std::size_t sent;
  std::uint64_t dropped;
};
SentAndDropped run_one_second_phase_behind(std::chrono::nanoseconds behind) {
  testing::LoadRig rig(
      R"(    duration: 1s
    rate: 10/s
    concurrency: 20
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
)",
      [](const testing::SeenRequest&) { return testing::FakeAnswer{.takes = milliseconds(1)}; });
  rig.context.start = rig.time.steady - behind;
  rig.context.deadline = rig.context.start + seconds(1);
  rig.fake_transport_for_workers();
  Worker worker(rig.context, 0, 1, 0, rig.worker_recorder);
  worker.run();
  return {rig.worker_fake->seen.size(), rig.worker_recorder.stats().dropped};
}

TEST(Worker, OpenLoopStartsStillDueWhenThePhaseIsOverAreDroppedNotSent) {
  // 5 s behind: all ten starts are overdue and the phase is over. It must end, counting them
  // dropped, rather than run on past its end to make them up (a 30-minute soak on a busy machine
  // ran over by minutes that way).
  const auto outcome = run_one_second_phase_behind(seconds(5));
  EXPECT_EQ(outcome.sent, 0u);
  EXPECT_EQ(outcome.dropped, 10u);
}

TEST(Worker, OpenLoopStartsLateByLessThanASecondPastThePhasesEndAreStillSent) {
  // 1.5 s behind: the phase ended 0.5 s ago, within the grace a late timer gets.
  const auto outcome = run_one_second_phase_behind(milliseconds(1500));
  EXPECT_EQ(outcome.sent, 10u);
  EXPECT_EQ(outcome.dropped, 0u);
}

TEST(Worker, OpenLoopStartsOverdueBeforeThePhaseEndsAreStillSent) {
  // 0.45 s behind: the overdue starts go out at once (their latency runs from the schedule); the
  // phase then ends on the clock, every start sent or dropped.
  const auto outcome = run_one_second_phase_behind(milliseconds(450));
  EXPECT_GE(outcome.sent, 5u);
  EXPECT_EQ(outcome.sent + outcome.dropped, 10u);
}

}  // namespace
}  // namespace s3storm::engine
