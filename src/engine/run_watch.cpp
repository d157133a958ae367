#include "engine/run_watch.hpp"

namespace s3storm::engine {

RunWatch::RunWatch(const std::atomic<int>& user_stop, std::atomic<bool>& stop, const LiveRun& live,
                   const std::vector<scenario::Threshold>& thresholds)
    : user_stop_(user_stop), stop_(stop), live_(live), thresholds_(thresholds) {
  for (const auto& threshold : thresholds_) {
    if (!threshold.abort_on_fail || !report::judged_live(threshold)) continue;
    judging_ = true;
    if (report::reads_ttfb(threshold)) {
      detail_ = stats::LiveDetail::kLatencyAndTtfb;
    } else if (report::reads_latency(threshold) && detail_ == stats::LiveDetail::kCounters) {
      detail_ = stats::LiveDetail::kLatency;
    }
  }
  thread_ = std::thread([this] { loop(); });
}

void RunWatch::finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RunWatch::loop() {
  constexpr auto kPoll = std::chrono::milliseconds(50);
  constexpr auto kJudgeEvery = std::chrono::seconds(1);
  using Clock = std::chrono::steady_clock;
  auto next_judgement = Clock::now() + kJudgeEvery;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kPoll, [this] { return finishing_; })) {
    if (user_stop_.load() != 0) stop_.store(true);
    if (!judging_ || stop_.load() || Clock::now() < next_judgement) continue;
    next_judgement += kJudgeEvery;
    auto failed = report::failed_abort_thresholds(live_.snapshot_report(detail_), thresholds_,
                                                  live_.elapsed());
    if (failed.empty()) continue;
    aborted_by_ = std::move(failed);
    aborted_at_s_ = std::chrono::duration<double>(live_.elapsed()).count();
    stop_.store(true);
  }
}

}  // namespace s3storm::engine
