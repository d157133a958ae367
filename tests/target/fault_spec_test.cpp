#include "target/fault_spec.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "util/usage_error.hpp"

namespace s3storm::target {
namespace {

TEST(FaultSpec, ParsesEveryKind) {
  const auto plan =
      parse_fault_specs({"503:0.01", "reset:0.001", "delay:5ms", "event-drop:0.25", "event-dup:1"});
  EXPECT_DOUBLE_EQ(plan.slow_down, 0.01);
  EXPECT_DOUBLE_EQ(plan.reset, 0.001);
  EXPECT_EQ(plan.delay, std::chrono::microseconds(5000));
  EXPECT_DOUBLE_EQ(plan.delay_probability, 1.0);
  EXPECT_DOUBLE_EQ(plan.event_drop, 0.25);
  EXPECT_DOUBLE_EQ(plan.event_dup, 1.0);

  const auto partial = parse_fault_specs({"delay:200us:0.5"});
  EXPECT_EQ(partial.delay, std::chrono::microseconds(200));
  EXPECT_DOUBLE_EQ(partial.delay_probability, 0.5);
  EXPECT_EQ(parse_fault_specs({"delay:1s"}).delay, std::chrono::seconds(1));
  EXPECT_DOUBLE_EQ(parse_fault_specs({"body-corrupt:0.2"}).body_corrupt, 0.2);
  const auto held = parse_fault_specs({"event-delay:300ms:0.25"});
  EXPECT_EQ(held.event_delay, std::chrono::milliseconds(300));
  EXPECT_DOUBLE_EQ(held.event_delay_probability, 0.25);
  EXPECT_DOUBLE_EQ(parse_fault_specs({"event-delay:2s"}).event_delay_probability, 1.0);
}

TEST(FaultInjector, EventDelayHoldsAFractionOfEvents) {
  FaultPlan plan;
  plan.event_delay = std::chrono::milliseconds(10);
  plan.event_delay_probability = 0.3;
  FaultInjector faults(plan, 7);
  int held = 0;
  for (int i = 0; i < 10'000; ++i) held += faults.next_event_delay() ? 1 : 0;
  EXPECT_NEAR(held, 3000, 4 * std::sqrt(10'000 * 0.3 * 0.7));
  EXPECT_FALSE(FaultInjector(FaultPlan{}, 7).next_event_delay());
}

TEST(FaultSpec, RejectsMalformedSpecsNamingThem) {
  for (const char* bad :
       {"503", "503:", "503:1.5", "503:-0.1", "503:abc", "reset:0.1x", "delay:5", "delay:5h",
        "delay:-1ms", "delay:5ms:2", "boom:0.1", "503:nan", "body-corrupt:2", "event-delay:5",
        "event-delay:1ms:1.5", "event-delay:61s"}) {
    try {
      parse_fault_specs({bad});
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& error) {
      EXPECT_NE(std::string(error.what()).find(bad), std::string::npos) << error.what();
    }
  }
}

// Binomial count within 4 standard deviations of n*p.
void expect_rate(int hits, int n, double p) {
  const double mean = n * p;
  const double sigma = std::sqrt(n * p * (1 - p));
  EXPECT_NEAR(hits, mean, 4 * sigma) << "p=" << p;
}

TEST(FaultInjector, RatesMatchThePlanWithinFourSigma) {
  FaultPlan plan;
  plan.slow_down = 0.1;
  plan.reset = 0.01;
  plan.event_drop = 0.05;
  plan.event_dup = 0.02;
  for (const std::uint64_t seed : {1u, 2u, 42u}) {
    FaultInjector faults(plan, seed);
    constexpr int kRequests = 10'000;
    int slow = 0, resets = 0, dropped = 0, duplicated = 0;
    for (int i = 0; i < kRequests; ++i) {
      const auto fault = faults.next_request();
      slow += fault.slow_down;
      resets += fault.reset;
      EXPECT_FALSE(fault.slow_down && fault.reset);
      const int copies = faults.next_event_copies();
      dropped += copies == 0;
      duplicated += copies == 2;
    }
    expect_rate(slow, kRequests, 0.1 * (1 - 0.01));
    expect_rate(resets, kRequests, 0.01);
    expect_rate(dropped, kRequests, 0.05);
    expect_rate(duplicated, kRequests, 0.95 * 0.02);
  }
}

TEST(FaultInjector, SameSeedSameFaultsAndNoPlanNoFaults) {
  FaultPlan plan;
  plan.slow_down = 0.5;
  FaultInjector a(plan, 7), b(plan, 7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_request().slow_down, b.next_request().slow_down);

  FaultInjector none(FaultPlan{}, 7);
  for (int i = 0; i < 1000; ++i) {
    const auto fault = none.next_request();
    EXPECT_FALSE(fault.slow_down || fault.reset || fault.delay.count());
    EXPECT_EQ(none.next_event_copies(), 1);
  }
}

}  // namespace
}  // namespace s3storm::target
