#include "engine/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

namespace s3storm::engine {

namespace {

double seconds(Progress::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string format_latency(std::uint64_t us) {
  if (us >= 1'000'000) return fmt::format("{:.2f}s", static_cast<double>(us) / 1e6);
  return fmt::format("{:.1f}ms", static_cast<double>(us) / 1e3);
}

}  // namespace

Progress::Progress(std::FILE* out, const events::Matcher* matcher)
    : out_(out),
      matcher_(matcher),
      terminal_(::isatty(::fileno(out)) != 0),
      start_(Clock::now()),
      last_time_(start_) {
  thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  stop();
}

void Progress::phases(std::vector<PhaseProgress> phases) {
  std::lock_guard lock(mutex_);
  if (!phases_.empty()) print_locked();  // the phases before, as they ended
  phases_ = std::move(phases);
  stage_ = nullptr;
  last_done_.assign(phases_.size(), 0);
  last_time_ = Clock::now();
  print_locked();
}

void Progress::stage(std::function<std::string()> describe) {
  std::lock_guard lock(mutex_);
  if (!phases_.empty()) print_locked();  // the phases before, as they ended
  phases_.clear();
  stage_ = std::move(describe);
  print_locked();
}

void Progress::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (!phases_.empty()) print_locked();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (terminal_) fmt::print(out_, "\n");
  std::fflush(out_);
}

void Progress::loop() {
  const auto interval = terminal_ ? std::chrono::seconds(1) : std::chrono::seconds(5);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) print_locked();
}

std::string Progress::phases_line_locked(Clock::time_point now) {
  const double window = seconds(now - last_time_);
  std::string line;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    if (i > 0) line += "  ||  ";
    line += phase_part_locked(i, now, window);
  }
  last_time_ = now;
  if (matcher_ != nullptr) line += fmt::format("  {} events missing", matcher_->missing_so_far());
  return line;
}

std::string Progress::phase_part_locked(std::size_t i, Clock::time_point now, double window) {
  const auto& p = phases_[i];
  const auto live = p.recorder->live(stats::LiveDetail::kLatency);  // for the p99
  std::uint64_t done = 0;
  std::uint64_t errors = 0;
  stats::Histogram latency;
  for (std::size_t k = 0; k < kOpKinds; ++k) {
    if (static_cast<OpKind>(k) == OpKind::kMultipartPart) continue;
    const auto& op = live.stats.ops[k];
    done += op.count;
    errors += op.errors;
    latency.merge(op.latency);
  }
  const double rate =
      window > 0 && done >= last_done_[i] ? static_cast<double>(done - last_done_[i]) / window : 0;
  last_done_[i] = done;

  std::string left;
  if (p.duration) {
    const double remaining = std::max(0.0, seconds(*p.duration - (now - p.start)));
    left = fmt::format("{:.0f}s left", remaining);
  } else if (p.iterations > 0) {
    left = fmt::format(
        "{:.0f}% of {}",
        100.0 * static_cast<double>(live.iterations_done) / static_cast<double>(p.iterations),
        p.iterations);
  }
  // target.endpoints: which endpoint the errors come from, in the endpoints' order.
  std::string by_endpoint;
  if (live.stats.endpoints.size() > 1) {
    by_endpoint = " (by endpoint:";
    for (const auto& endpoint : live.stats.endpoints) {
      by_endpoint += fmt::format(" {}", endpoint.all.errors);
    }
    by_endpoint += ")";
  }
  return fmt::format(
      "phase {}/{} {} {:.1f}s {} | {:.0f} ops/s  {} in flight  {} done  {} errors{}  p99 {}",
      p.number, p.of, p.name, seconds(now - p.start), left, rate, live.in_flight, done, errors,
      by_endpoint, latency.count() == 0 ? "-" : format_latency(latency.value_at_percentile(99)));
}

void Progress::print_locked() {
  const auto now = Clock::now();
  std::string line;
  if (!phases_.empty()) {
    line = phases_line_locked(now);
  } else if (stage_) {
    line = stage_();
  } else {
    return;
  }
  line = fmt::format("[{:6.1f}s] {}", seconds(now - start_), line);
  if (terminal_) {
    fmt::print(out_, "\r{}\x1b[K", line);
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

}  // namespace s3storm::engine
