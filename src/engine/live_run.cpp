#include "engine/live_run.hpp"

namespace s3storm::engine {

stats::PhaseRecorder& LiveRun::begin_phase(const std::string& name) {
  std::lock_guard lock(mutex_);
  phases_.push_back({std::make_unique<stats::PhaseRecorder>(name), Clock::now(), std::nullopt});
  return *phases_.back().phase;
}

void LiveRun::end_phase(const stats::PhaseRecorder& phase) {
  std::lock_guard lock(mutex_);
  for (auto& entry : phases_) {
    if (entry.phase.get() == &phase && !entry.ended) entry.ended = Clock::now();
  }
}

std::vector<stats::LivePhaseView> LiveRun::snapshot_phases() const {
  std::lock_guard lock(mutex_);
  std::vector<stats::LivePhaseView> out;
  for (const auto& entry : phases_) {
    out.push_back(entry.phase->live(stats::LiveDetail::kLatencyAndTtfb));
  }
  return out;
}

report::RunReport LiveRun::snapshot_report(stats::LiveDetail detail) const {
  report::RunReport out;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  for (const auto& entry : phases_) {
    auto phase = entry.phase->live(detail).stats;
    phase.duration_s =
        std::chrono::duration<double>(entry.ended.value_or(now) - entry.started).count();
    out.phases.push_back(std::move(phase));
  }
  out.duration_s = std::chrono::duration<double>(now - start_).count();
  return out;
}

}  // namespace s3storm::engine
