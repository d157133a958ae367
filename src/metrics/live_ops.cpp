#include "metrics/live_ops.hpp"

#include <bit>
#include <cstring>

namespace s3storm::metrics {

namespace {

constexpr std::size_t kCodeSlots = 32;
constexpr std::size_t kCodeLength = 48;

std::size_t this_threads_stripe(std::size_t stripes) {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % stripes;
}

}  // namespace

std::size_t LiveBuckets::index(std::uint64_t value) noexcept {
  if (value < kSteps) return static_cast<std::size_t>(value);
  if (value > 0xffffffffull) return kCount - 1;
  const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(value));  // >= 4
  const std::uint64_t step = (value >> (msb - 4)) & (kSteps - 1);
  return kSteps + (msb - 4) * kSteps + static_cast<std::size_t>(step);
}

std::uint64_t LiveBuckets::highest(std::size_t index) noexcept {
  if (index < kSteps) return index;
  const unsigned shift = static_cast<unsigned>((index - kSteps) / kSteps);
  const std::uint64_t step = (index - kSteps) % kSteps;
  return ((kSteps + step + 1) << shift) - 1;
}

// One thread's counters. Error codes live in a small table filled without locks: a slot is
// claimed by a compare-and-swap, written, then published; readers skip slots not yet published.
struct LivePhase::Stripe {
  struct Op {
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::uint64_t> latency_sum_us{0};
    std::array<std::atomic<std::uint64_t>, LiveBuckets::kCount> latency{};
  };
  struct CodeSlot {
    std::atomic<int> state{0};  // 0 free, 1 being written, 2 readable
    std::uint8_t op = 0;
    char code[kCodeLength] = {};
    std::atomic<std::uint64_t> count{0};
  };
  alignas(64) std::array<Op, stats::kOpKinds> ops;
  std::array<CodeSlot, kCodeSlots> codes;
  std::array<std::atomic<std::uint64_t>, stats::kOpKinds> other_codes{};  // the table was full

  void count_error(std::uint8_t op, std::string_view code) noexcept {
    code = code.substr(0, kCodeLength - 1);
    for (auto& slot : codes) {
      int state = slot.state.load(std::memory_order_acquire);
      if (state == 0) {
        if (slot.state.compare_exchange_strong(state, 1, std::memory_order_acq_rel)) {
          slot.op = op;
          std::memcpy(slot.code, code.data(), code.size());
          slot.code[code.size()] = '\0';
          slot.count.fetch_add(1, std::memory_order_relaxed);
          slot.state.store(2, std::memory_order_release);
          return;
        }
      }
      if (state == 1) continue;  // another thread of this stripe is writing it: not ours to read
      if (slot.op == op && std::string_view(slot.code) == code) {
        slot.count.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
    other_codes[op].fetch_add(1, std::memory_order_relaxed);
  }
};

LivePhase::LivePhase(std::string name)
    : name_(std::move(name)), stripes_(std::make_unique<Stripe[]>(kStripes)) {}

LivePhase::~LivePhase() = default;

void LivePhase::record(stats::OpKind kind, const stats::OpOutcome& outcome) noexcept {
  auto& stripe = stripes_[this_threads_stripe(kStripes)];
  const auto op_index = static_cast<std::size_t>(kind);
  auto& op = stripe.ops[op_index];
  constexpr auto relaxed = std::memory_order_relaxed;
  op.latency[LiveBuckets::index(outcome.latency_us)].fetch_add(1, relaxed);
  op.latency_sum_us.fetch_add(outcome.latency_us, relaxed);
  if (outcome.ok) {
    op.ok.fetch_add(1, relaxed);
    op.bytes.fetch_add(outcome.bytes, relaxed);
  } else {
    stripe.count_error(static_cast<std::uint8_t>(op_index), outcome.error_code);
  }
  // Last, so a reader never sees more ok than count (it may see count lag by one operation).
  op.count.fetch_add(1, relaxed);
}

LivePhaseSnapshot LivePhase::snapshot() const {
  LivePhaseSnapshot out;
  out.name = name_;
  constexpr auto relaxed = std::memory_order_relaxed;
  for (std::size_t s = 0; s < kStripes; ++s) {
    const auto& stripe = stripes_[s];
    for (std::size_t k = 0; k < stats::kOpKinds; ++k) {
      const auto& op = stripe.ops[k];
      auto& into = out.ops[k];
      const std::uint64_t count = op.count.load(relaxed);
      const std::uint64_t ok = std::min(op.ok.load(relaxed), count);
      into.count += count;
      into.ok += ok;
      into.errors += count - ok;
      into.bytes += op.bytes.load(relaxed);
      into.latency_sum_us += op.latency_sum_us.load(relaxed);
      for (std::size_t b = 0; b < LiveBuckets::kCount; ++b)
        into.latency[b] += op.latency[b].load(relaxed);
      const std::uint64_t other = stripe.other_codes[k].load(relaxed);
      if (other > 0) into.errors_by_code["other"] += other;
    }
    for (const auto& slot : stripe.codes) {
      if (slot.state.load(std::memory_order_acquire) != 2) continue;
      out.ops[slot.op].errors_by_code[slot.code] += slot.count.load(relaxed);
    }
  }
  return out;
}

stats::OpStats LiveOpSnapshot::to_op_stats() const {
  stats::OpStats op;
  op.count = count;
  op.ok = ok;
  op.errors = errors;
  op.bytes = bytes;
  for (std::size_t b = 0; b < LiveBuckets::kCount; ++b) {
    if (latency[b] > 0) op.latency.record_n(LiveBuckets::highest(b), latency[b]);
  }
  for (const auto& [code, n] : errors_by_code) op.errors_by_code[code] += n;
  return op;
}

std::uint64_t LiveOpSnapshot::quantile_us(double q) const {
  std::uint64_t total = 0;
  for (auto n : latency) total += n;
  if (total == 0) return 0;
  // Nearest rank, as the final report's histogram does.
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total) + 0.999999);
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < LiveBuckets::kCount; ++b) {
    seen += latency[b];
    if (seen >= rank) return LiveBuckets::highest(b);
  }
  return LiveBuckets::highest(LiveBuckets::kCount - 1);
}

}  // namespace s3storm::metrics
