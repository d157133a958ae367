#include "engine/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>

namespace s3storm::engine {

Progress::Progress(const stats::LiveCounters& live, std::FILE* out)
    : live_(live), out_(out), terminal_(::isatty(::fileno(out)) != 0) {
  thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  stop();
}

void Progress::set_phase(std::string name) {
  std::lock_guard lock(mutex_);
  phase_ = std::move(name);
}

void Progress::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (terminal_) fmt::print(out_, "\n");
  std::fflush(out_);
}

void Progress::loop() {
  using Clock = std::chrono::steady_clock;
  const auto interval = terminal_ ? std::chrono::seconds(1) : std::chrono::seconds(5);
  const auto start = Clock::now();
  auto last_time = start;
  auto last = live_.snapshot();
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    const auto now_time = Clock::now();
    const auto now = live_.snapshot();
    const double window = std::chrono::duration<double>(now_time - last_time).count();
    const double rate =
        window > 0 ? static_cast<double>(now.completed - last.completed) / window : 0;
    print_line(std::chrono::duration<double>(now_time - start).count(), rate, now);
    last = now;
    last_time = now_time;
  }
}

void Progress::print_line(double elapsed_s, double ops_per_s,
                          const stats::LiveCounters::Snapshot& now) {
  const auto line = fmt::format(
      "[{:6.1f}s] {:<16} {:>9.0f} ops/s  {:>6} in flight  {:>10} done  {:>7} errors  {:>9} events",
      elapsed_s, phase_, ops_per_s, now.in_flight, now.completed, now.errors, now.events_seen);
  if (terminal_) {
    fmt::print(out_, "\r{}\x1b[K", line);
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

}  // namespace s3storm::engine
