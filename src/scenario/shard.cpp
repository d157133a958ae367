#include "scenario/shard.hpp"

#include <charconv>
#include <stdexcept>

#include "util/hex.hpp"

namespace s3storm::scenario {

namespace {

std::uint32_t parse_number(std::string_view text, std::string_view whole) {
  std::uint32_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    throw std::invalid_argument("'" + std::string(whole) + "' is not I/N (shard I of N, e.g. 0/4)");
  }
  return value;
}

// The steps whose success S3 announces with an event for the key they name.
bool notifies(const Step& step) {
  return step.op == OpKind::kPut || step.op == OpKind::kCopy || step.op == OpKind::kPost ||
         step.op == OpKind::kDelete || (step.op == OpKind::kMultipart && !step.abort);
}

std::vector<const Step*> steps_of(const Phase& phase) {
  std::vector<const Step*> steps;
  for (const auto& step : phase.flow) steps.push_back(&step);
  for (const auto& weighted : phase.mix) steps.push_back(&weighted.step);
  return steps;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum_lower(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z');
}

bool all_of(std::string_view text, bool (*accept)(char)) {
  for (char c : text) {
    if (!accept(c)) return false;
  }
  return true;
}

bool is_uuid(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !hex::is_lower_digit(text[i])) return false;
  }
  return true;
}

// Backtracking match of the tokens from `t` against key[pos..]. `seen` carries the first
// {worker}/{iter} value read on this path; it lands in `found` once the whole key matched.
// Templates are a handful of tokens, so the search stays tiny.
bool match_from(const std::vector<KeyTemplate::Token>& tokens, std::size_t t,
                std::string_view phase, std::string_view key, std::size_t pos,
                std::optional<ReadBack> seen, std::optional<ReadBack>& found) {
  using Kind = KeyTemplate::Kind;
  if (t == tokens.size()) {
    if (pos != key.size()) return false;
    found = seen;
    return true;
  }
  const auto& token = tokens[t];
  const std::string_view rest = key.substr(pos);
  auto skip = [&](std::size_t length) {
    return match_from(tokens, t + 1, phase, key, pos + length, seen, found);
  };
  switch (token.kind) {
    case Kind::kLiteral:
      return rest.starts_with(token.text) && skip(token.text.size());
    case Kind::kPhase:
      return rest.starts_with(phase) && skip(phase.size());
    case Kind::kRand:
      return rest.size() >= token.width && all_of(rest.substr(0, token.width), is_alnum_lower) &&
             skip(token.width);
    case Kind::kHash:
      return rest.size() >= token.width &&
             all_of(rest.substr(0, token.width), hex::is_lower_digit) && skip(token.width);
    case Kind::kUuid:
      return rest.size() >= 36 && is_uuid(rest.substr(0, 36)) && skip(36);
    case Kind::kLast:
      for (std::size_t length = rest.size() + 1; length-- > 0;) {
        if (skip(length)) return true;
      }
      return false;
    case Kind::kIter:
    case Kind::kSeq:
    case Kind::kWorker: {
      std::size_t digits = 0;
      while (digits < rest.size() && digits < 20 && is_digit(rest[digits])) ++digits;
      // Numbers are written without leading zeros: "0", or a non-zero first digit.
      if (digits > 1 && rest[0] == '0') digits = 1;
      for (; digits > 0; --digits) {
        std::optional<ReadBack> next = seen;
        if (!next && token.kind != Kind::kSeq) {
          std::uint64_t value = 0;
          const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + digits, value);
          if (ec != std::errc()) continue;  // more than a uint64: no key of ours
          next = ReadBack{token.kind, value};
        }
        if (match_from(tokens, t + 1, phase, key, pos + digits, next, found)) return true;
      }
      return false;
    }
  }
  return false;
}

}  // namespace

ShardSpec parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    throw std::invalid_argument("'" + std::string(text) + "' is not I/N (shard I of N, e.g. 0/4)");
  }
  ShardSpec spec{parse_number(text.substr(0, slash), text),
                 parse_number(text.substr(slash + 1), text)};
  if (spec.count == 0) throw std::invalid_argument("'" + std::string(text) + "': N must be >= 1");
  if (spec.index >= spec.count) {
    throw std::invalid_argument("'" + std::string(text) + "': I must be below N (shards are 0.." +
                                std::to_string(spec.count - 1) + ")");
  }
  return spec;
}

Share split_evenly(std::uint64_t total, std::uint32_t index, std::uint32_t shards) {
  const std::uint64_t base = total / shards;
  const std::uint64_t extra = total % shards;
  return {index * base + std::min<std::uint64_t>(index, extra), base + (index < extra ? 1 : 0)};
}

bool PhaseShare::owns_iteration(std::uint64_t iteration) const {
  if (open_loop) return iteration >= first_start && (iteration - first_start) % start_stride == 0;
  if (iteration < first_iteration) return false;
  if (iteration_end) return iteration < *iteration_end;
  return shard_count == 1 || iteration - first_iteration < kUnboundedIterationBlock;
}

ShardedScenario shard_scenario(const Scenario& scenario, const ShardSpec& spec) {
  ShardedScenario out{scenario, {}};
  const bool events_on = scenario.events.source != EventSource::kNone;
  for (auto& phase : out.scenario.phases) {
    PhaseShare share;
    share.shard_index = spec.index;
    share.shard_count = spec.count;
    share.open_loop = phase.rate_per_second.has_value() || !phase.ramp.empty();
    const auto concurrency = static_cast<std::uint64_t>(std::max(1, phase.concurrency));
    if (concurrency < spec.count) {
      throw std::invalid_argument("phase '" + phase.name + "' has concurrency " +
                                  std::to_string(concurrency) + ", fewer than the " +
                                  std::to_string(spec.count) + " shards: each shard needs a flow");
    }
    const Share flows = split_evenly(concurrency, spec.index, spec.count);
    share.first_flow = flows.first;
    share.flows = flows.count;
    phase.concurrency = static_cast<int>(flows.count);
    if (share.open_loop) {
      // The schedule and the iteration limit stay the unsharded ones; the shard takes its starts.
      share.first_start = spec.index;
      share.start_stride = spec.count;
    } else if (phase.iterations) {
      const Share iterations = split_evenly(*phase.iterations, spec.index, spec.count);
      share.first_iteration = iterations.first;
      share.iteration_end = iterations.first + iterations.count;
      phase.iterations = iterations.first + iterations.count;  // the counter starts at `first`
    } else if (spec.sharded()) {
      share.first_iteration = spec.index * kUnboundedIterationBlock;
    }
    if (events_on && spec.sharded()) {
      for (const Step* step : steps_of(phase)) {
        if (!notifies(*step) || step->key.last) continue;
        using Kind = KeyTemplate::Kind;
        if (!step->key.key.uses(Kind::kWorker) && !step->key.key.uses(Kind::kIter)) {
          throw std::invalid_argument(
              "phase '" + phase.name + "': key '" + step->key.key.source() +
              "' has neither {worker} nor {iter}, so a shard could not tell its own events from "
              "the other shards' (add one of them to the key)");
        }
      }
    }
    out.phases.push_back(share);
  }
  return out;
}

std::optional<ReadBack> read_back(const KeyTemplate& key_template, std::string_view phase_name,
                                  std::string_view key) {
  std::optional<ReadBack> found;
  if (!match_from(key_template.tokens(), 0, phase_name, key, 0, std::nullopt, found)) {
    return std::nullopt;
  }
  return found;
}

KeyOwnership::KeyOwnership(const ShardedScenario& sharded) {
  for (std::size_t p = 0; p < sharded.scenario.phases.size(); ++p) {
    const auto& phase = sharded.scenario.phases[p];
    for (const Step* step : steps_of(phase)) {
      if (!notifies(*step) || step->key.last) continue;
      patterns_.push_back(
          {step->bucket, step->bucket_spread, phase.name, step->key.key, sharded.phases[p]});
    }
  }
}

KeyOwnership::Owner KeyOwnership::owner(std::string_view bucket, std::string_view key) const {
  bool someone_elses = false;
  for (const auto& pattern : patterns_) {
    if (!pattern.spread.active() ? pattern.bucket != bucket
                                 : !pattern.spread.could_produce(bucket)) {
      continue;
    }
    const auto value = read_back(pattern.key, pattern.phase_name, key);
    if (!value) continue;
    const bool mine = value->kind == KeyTemplate::Kind::kWorker
                          ? pattern.share.owns_flow(value->value)
                          : pattern.share.owns_iteration(value->value);
    if (mine) return Owner::kMine;
    someone_elses = true;
  }
  return someone_elses ? Owner::kOtherShard : Owner::kUnknown;
}

}  // namespace s3storm::scenario
