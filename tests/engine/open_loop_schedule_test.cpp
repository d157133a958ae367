#include "engine/open_loop_schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace s3storm::engine {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

double at_seconds(const OpenLoopSchedule& schedule, std::uint64_t ordinal) {
  auto offset = schedule.offset_of(ordinal);
  EXPECT_TRUE(offset.has_value()) << "ordinal " << ordinal;
  return offset ? std::chrono::duration<double>(*offset).count() : -1;
}

TEST(OpenLoopSchedule, ConstantRateSpacesStartsEvenly) {
  OpenLoopSchedule schedule(500, {});
  EXPECT_EQ(schedule.offset_of(0), nanoseconds(0));
  EXPECT_EQ(schedule.offset_of(1), milliseconds(2));
  EXPECT_EQ(schedule.offset_of(500), seconds(1));
  EXPECT_EQ(schedule.offset_of(1'000'000), seconds(2000));
}

TEST(OpenLoopSchedule, LinearRampFromZero) {
  // 0 -> 100/s over 10 s: N(t) = 5 t^2, so start i is due at sqrt(i/5).
  OpenLoopSchedule schedule(0, {{100, seconds(10)}});
  EXPECT_NEAR(at_seconds(schedule, 5), 1.0, 1e-9);
  EXPECT_NEAR(at_seconds(schedule, 125), 5.0, 1e-9);
  EXPECT_NEAR(at_seconds(schedule, 500), 10.0, 1e-9);
  // Then it holds at 100/s.
  EXPECT_NEAR(at_seconds(schedule, 600), 11.0, 1e-9);
}

TEST(OpenLoopSchedule, SeveralStagesUpAndDown) {
  // 100/s, up to 300/s over 2 s (400 starts), down to 100/s over 2 s (400 starts), then 100/s.
  OpenLoopSchedule schedule(100, {{300, seconds(2)}, {100, seconds(2)}});
  EXPECT_NEAR(at_seconds(schedule, 400), 2.0, 1e-9);
  EXPECT_NEAR(at_seconds(schedule, 800), 4.0, 1e-9);
  EXPECT_NEAR(at_seconds(schedule, 900), 5.0, 1e-9);
}

TEST(OpenLoopSchedule, StartsAreMonotonic) {
  OpenLoopSchedule schedule(10, {{1000, seconds(3)}, {50, milliseconds(700)}, {2000, seconds(1)}});
  nanoseconds previous{-1};
  for (std::uint64_t i = 0; i < 5000; ++i) {
    auto offset = schedule.offset_of(i);
    ASSERT_TRUE(offset);
    ASSERT_GE(*offset, previous) << "ordinal " << i;
    previous = *offset;
  }
}

TEST(OpenLoopSchedule, RampDownToZeroEndsTheSchedule) {
  // 100/s down to 0 over 2 s: exactly 100 starts fit.
  OpenLoopSchedule schedule(100, {{0, seconds(2)}});
  EXPECT_TRUE(schedule.offset_of(99));
  EXPECT_FALSE(schedule.offset_of(101));
}

TEST(OpenLoopSchedule, ZeroLengthStageIsAStepChange) {
  OpenLoopSchedule schedule(10, {{1000, nanoseconds(0)}});
  EXPECT_EQ(schedule.offset_of(1000), seconds(1));
}

}  // namespace
}  // namespace s3storm::engine
