#include "scenario/shard.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace s3storm::scenario {
namespace {

Phase closed_phase(std::string name, int concurrency, std::optional<std::uint64_t> iterations,
                   std::string key) {
  Phase phase;
  phase.name = std::move(name);
  phase.concurrency = concurrency;
  phase.iterations = iterations;
  Step step;
  step.op = OpKind::kPut;
  step.bucket = "b";
  step.key.key = KeyTemplate::compile(key);
  phase.flow.push_back(step);
  return phase;
}

Scenario with_events(std::vector<Phase> phases) {
  Scenario scenario;
  scenario.events.source = EventSource::kWebhook;
  scenario.phases = std::move(phases);
  return scenario;
}

TEST(Shard, ParsesIOfN) {
  const auto spec = parse_shard("2/5");
  EXPECT_EQ(spec.index, 2u);
  EXPECT_EQ(spec.count, 5u);
  EXPECT_TRUE(spec.sharded());
  EXPECT_FALSE(parse_shard("0/1").sharded());
  for (const char* bad : {"", "3", "3/3", "4/3", "-1/3", "1/0", "a/b", "1/2/3", "1 /2", "0x1/2"}) {
    EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
  }
}

TEST(Shard, SplitEvenlyGivesRemaindersToLowShardsAndCoversEverything) {
  for (std::uint64_t total : {0ull, 1ull, 7ull, 10ull, 1000003ull}) {
    for (std::uint32_t shards : {1u, 2u, 3u, 7u}) {
      std::uint64_t next = 0;
      for (std::uint32_t i = 0; i < shards; ++i) {
        const Share share = split_evenly(total, i, shards);
        EXPECT_EQ(share.first, next) << total << " " << i << "/" << shards;
        EXPECT_EQ(share.count, total / shards + (i < total % shards ? 1 : 0));
        next += share.count;
      }
      EXPECT_EQ(next, total);
    }
  }
}

TEST(Shard, ClosedLoopIterationsAndFlowsAreContiguousDisjointShares) {
  const Scenario scenario = with_events({closed_phase("p", 8, 10, "k-{worker}-{seq}")});
  std::uint64_t iterations = 0;
  std::uint64_t flows = 0;
  std::set<std::uint64_t> owned_iterations;
  for (std::uint32_t i = 0; i < 3; ++i) {
    const auto sharded = shard_scenario(scenario, {i, 3});
    const auto& share = sharded.phases[0];
    const auto& phase = sharded.scenario.phases[0];
    EXPECT_EQ(share.first_flow, flows);
    EXPECT_EQ(static_cast<std::uint64_t>(phase.concurrency), share.flows);
    flows += share.flows;
    // The counter starts at first_iteration and stops at the phase's (rewritten) limit.
    iterations += *phase.iterations - share.first_iteration;
    for (std::uint64_t it = 0; it < 10; ++it) {
      if (share.owns_iteration(it)) {
        EXPECT_TRUE(owned_iterations.insert(it).second) << it;
      }
    }
  }
  EXPECT_EQ(flows, 8u);
  EXPECT_EQ(iterations, 10u);
  EXPECT_EQ(owned_iterations.size(), 10u);
}

TEST(Shard, OpenLoopTakesEveryNthStartOfTheUnshardedSchedule) {
  Phase phase = closed_phase("p", 6, 100, "k-{iter}");
  phase.rate_per_second = 1000;
  const Scenario scenario = with_events({phase});
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < 4; ++i) {
    const auto sharded = shard_scenario(scenario, {i, 4});
    const auto& share = sharded.phases[0];
    EXPECT_EQ(share.first_start, i);
    EXPECT_EQ(share.start_stride, 4u);
    // The schedule (rate) and the limit stay the unsharded ones: the shard's rate is 1000/4.
    EXPECT_EQ(*sharded.scenario.phases[0].rate_per_second, 1000);
    EXPECT_EQ(*sharded.scenario.phases[0].iterations, 100u);
    std::uint64_t mine = 0;
    for (std::uint64_t start = share.first_start; start < 100; start += share.start_stride) {
      EXPECT_TRUE(share.owns_iteration(start));
      EXPECT_FALSE(share.owns_iteration(start + 1));
      ++mine;
    }
    total += mine;
  }
  EXPECT_EQ(total, 100u);
}

TEST(Shard, UnboundedClosedLoopNumbersIterationsInSeparateBlocks) {
  const Scenario scenario = with_events({closed_phase("p", 4, std::nullopt, "k-{iter}")});
  const auto zero = shard_scenario(scenario, {0, 2}).phases[0];
  const auto one = shard_scenario(scenario, {1, 2}).phases[0];
  EXPECT_EQ(zero.first_iteration, 0u);
  EXPECT_EQ(one.first_iteration, kUnboundedIterationBlock);
  EXPECT_TRUE(zero.owns_iteration(123));
  EXPECT_FALSE(one.owns_iteration(123));
  EXPECT_TRUE(one.owns_iteration(kUnboundedIterationBlock + 123));
}

TEST(Shard, UnshardedLeavesTheScenarioAlone) {
  const Scenario scenario = with_events({closed_phase("p", 3, 10, "k-{seq}")});
  const auto sharded = shard_scenario(scenario, {});
  EXPECT_EQ(sharded.scenario.phases[0].concurrency, 3);
  EXPECT_EQ(*sharded.scenario.phases[0].iterations, 10u);
  EXPECT_EQ(sharded.phases[0].first_iteration, 0u);
  EXPECT_EQ(sharded.phases[0].first_flow, 0u);
  EXPECT_EQ(sharded.phases[0].start_stride, 1u);
}

TEST(Shard, RefusesWhatCannotBeSplit) {
  EXPECT_THROW(shard_scenario(with_events({closed_phase("p", 2, 10, "k-{worker}")}), {0, 3}),
               std::invalid_argument);
  // With events, a shard must be able to read its own keys back.
  EXPECT_THROW(shard_scenario(with_events({closed_phase("p", 4, 10, "k-{uuid}")}), {0, 2}),
               std::invalid_argument);
  Scenario quiet = with_events({closed_phase("p", 4, 10, "k-{uuid}")});
  quiet.events.source = EventSource::kNone;
  EXPECT_NO_THROW(shard_scenario(quiet, {0, 2}));
}

TEST(ReadBack, FindsTheFirstWorkerOrIterValue) {
  const auto t = KeyTemplate::compile("{hash:4}/{phase}/obj-{seq}-{worker}-{rand:3}.bin");
  Rng rng(1);
  const std::string key = t.expand({7, 12, 345, "storm", ""}, rng);
  const auto found = read_back(t, "storm", key);
  ASSERT_TRUE(found) << key;
  EXPECT_EQ(found->kind, KeyTemplate::Kind::kWorker);
  EXPECT_EQ(found->value, 345u);
  EXPECT_FALSE(read_back(t, "other", key));
  EXPECT_FALSE(read_back(t, "storm", key + "x"));
  EXPECT_FALSE(read_back(t, "storm", "zzzz/storm/obj-1-2-abc.bin"));  // not a hash
}

TEST(ReadBack, NumbersNextToNumbersAndLastKeys) {
  // Adjacent numbers are ambiguous in general; with a separator the read-back is exact.
  const auto t = KeyTemplate::compile("{iter}{seq}/{worker}");
  const auto found = read_back(t, "p", "12/40");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->kind, KeyTemplate::Kind::kIter);
  const auto copy = KeyTemplate::compile("copy-{last}-{iter}");
  const auto found_copy = read_back(copy, "p", "copy-obj-3-4-17");
  ASSERT_TRUE(found_copy);
  EXPECT_EQ(found_copy->value, 17u);
  EXPECT_FALSE(read_back(KeyTemplate::compile("k-{iter}"), "p", "k-007"));
  EXPECT_FALSE(read_back(KeyTemplate::compile("k-{iter}"), "p", "k-99999999999999999999999"));
}

TEST(KeyOwnership, EveryKeyBelongsToExactlyOneShard) {
  const Scenario scenario = with_events(
      {closed_phase("a", 5, 20, "a-{worker}-{seq}"), closed_phase("b", 3, 11, "b-{iter}")});
  std::vector<KeyOwnership> shards;
  for (std::uint32_t i = 0; i < 3; ++i) shards.emplace_back(shard_scenario(scenario, {i, 3}));
  auto owners = [&](const std::string& key) {
    int mine = 0;
    int others = 0;
    for (const auto& shard : shards) {
      const auto owner = shard.owner("b", key);
      mine += owner == KeyOwnership::Owner::kMine;
      others += owner == KeyOwnership::Owner::kOtherShard;
    }
    return std::pair{mine, others};
  };
  for (int worker = 0; worker < 5; ++worker) {
    EXPECT_EQ(owners("a-" + std::to_string(worker) + "-3"), (std::pair{1, 2})) << worker;
  }
  for (int iter = 0; iter < 11; ++iter) {
    EXPECT_EQ(owners("b-" + std::to_string(iter)), (std::pair{1, 2})) << iter;
  }
  EXPECT_EQ(owners("unrelated"), (std::pair{0, 0}));
  EXPECT_EQ(shards[0].owner("other-bucket", "a-0-0"), KeyOwnership::Owner::kUnknown);
}

}  // namespace
}  // namespace s3storm::scenario
