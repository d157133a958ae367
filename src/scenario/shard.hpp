#pragma once

// `--shard I/N`: which part of a scenario one of N cooperating runs takes, so that N shards
// together do what one unsharded run does, and never write the same key.
//
// Per phase, shard I takes
// - a contiguous share of the flow slots: the `{worker}` numbers [first_flow, first_flow+flows),
//   so the concurrency of the N shards adds up to the phase's;
// - closed loop with `iterations`: a contiguous share of the iteration numbers ({iter}),
//   remainders to the low shards;
// - open loop: every N-th start of the unsharded schedule (starts I, I+N, I+2N, ...), so the
//   rates add up to the phase's rate and the iteration limit splits exactly the same way;
// - closed loop without `iterations`: the iteration numbers from I * 10^12 upwards (a range no
//   run reaches), since nobody knows in advance how many each shard will run.
// Random parts ({rand:N}, {uuid}) draw from the flow slot's own generator, and slots are
// numbered globally, so they differ between shards as they do between slots of one run.
//
// A shard tells its own keys from other shards' in the events it receives by reading the
// {worker} or {iter} number back out of the key (KeyOwnership below).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/model.hpp"

namespace s3storm::scenario {

struct ShardSpec {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
  bool sharded() const { return count > 1; }
};

// "I/N" with 0 <= I < N; throws std::invalid_argument with a one-line reason.
ShardSpec parse_shard(std::string_view text);

// The part [first, first+count) of `total` items that shard `index` of `shards` takes: the
// remainder goes to the low shards, one each.
struct Share {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};
Share split_evenly(std::uint64_t total, std::uint32_t index, std::uint32_t shards);

inline constexpr std::uint64_t kUnboundedIterationBlock = 1'000'000'000'000ull;

// How one phase is split for one shard.
struct PhaseShare {
  std::uint64_t first_flow = 0;       // the {worker} number of the shard's first slot
  std::uint64_t flows = 1;            // its concurrency
  std::uint64_t first_iteration = 0;  // closed loop: where the iteration counter starts
  // Open loop: the shard takes starts first_start, first_start+stride, ...
  std::uint64_t first_start = 0;
  std::uint64_t start_stride = 1;
  // Whether an iteration number ({iter}) belongs to this shard.
  bool owns_iteration(std::uint64_t iteration) const;
  bool owns_flow(std::uint64_t flow) const {
    return flow >= first_flow && flow - first_flow < flows;
  }

  bool open_loop = false;
  std::optional<std::uint64_t> iteration_end;  // closed loop with iterations: one past the last
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
};

struct ShardedScenario {
  Scenario scenario;               // phases rewritten: concurrency and iterations are the shard's
  std::vector<PhaseShare> phases;  // one per phase, in order
};

// The shard's own scenario. With `spec` unsharded, the scenario unchanged and identity shares.
// Throws std::invalid_argument when the scenario cannot be split that way (a phase with fewer
// flow slots than shards; with events checked, a key template from which the shard cannot be
// read back).
ShardedScenario shard_scenario(const Scenario& scenario, const ShardSpec& spec);

// Reads the {worker} or {iter} number back out of an event's key to say whose key it is.
class KeyOwnership {
 public:
  enum class Owner { kMine, kOtherShard, kUnknown };

  KeyOwnership(const ShardedScenario& sharded);
  // `key` as the server sent it; a key none of the scenario's templates could have produced is
  // `unknown` (counted as unexpected by the matcher, as in an unsharded run).
  // The caller tries the URL-decoded reading too when the server may have encoded the key.
  Owner owner(std::string_view bucket, std::string_view key) const;

 private:
  struct Pattern {
    std::string bucket;
    BucketSpread spread;  // when the step spreads: any of its buckets
    std::string phase_name;
    KeyTemplate key;
    PhaseShare share;
  };
  std::vector<Pattern> patterns_;
};

// The first {worker} or {iter} token's value in a key the template produced; nullopt when the
// template could not have produced the key or has neither token. For tests and KeyOwnership.
struct ReadBack {
  KeyTemplate::Kind kind = KeyTemplate::Kind::kWorker;
  std::uint64_t value = 0;
};
std::optional<ReadBack> read_back(const KeyTemplate& key_template, std::string_view phase_name,
                                  std::string_view key);

}  // namespace s3storm::scenario
