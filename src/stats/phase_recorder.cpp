#include "stats/phase_recorder.hpp"

#include "stats/relaxed.hpp"

namespace s3storm::stats {

WorkerRecorder::WorkerRecorder(const std::string& phase_name) {
  stats_.name = phase_name;
  for (auto& op : stats_.ops) op.allocate_histograms();
}

void WorkerRecorder::started() noexcept {
  add_relaxed(started_, 1);
}

void WorkerRecorder::record(OpKind kind, const OpOutcome& outcome) {
  // Per endpoint, operations as the ops table counts them: a multipart upload once, not per part.
  OpStats* endpoint = kind != OpKind::kMultipartPart && outcome.endpoint < stats_.endpoints.size()
                          ? &stats_.endpoints[outcome.endpoint].all
                          : nullptr;
  if (outcome.ok) {
    stats_.op(kind).record(outcome);
    if (endpoint != nullptr) endpoint->record(outcome);
  } else {
    std::lock_guard lock(errors_mutex_);
    stats_.op(kind).record(outcome);
    if (endpoint != nullptr) endpoint->record(outcome);
  }
  if (kind != OpKind::kMultipartPart) add_relaxed(finished_, 1);
}

void WorkerRecorder::iteration_done() noexcept {
  add_relaxed(iterations_, 1);
}

WorkerRecorder& PhaseRecorder::add_worker() {
  std::lock_guard lock(workers_mutex_);
  workers_.push_back(std::make_unique<WorkerRecorder>(name_));
  return *workers_.back();
}

LivePhaseView PhaseRecorder::live(LiveDetail detail) const {
  LivePhaseView view;
  view.stats.name = name_;
  std::uint64_t started = 0;
  std::uint64_t finished = 0;
  std::lock_guard lock(workers_mutex_);
  for (const auto& worker : workers_) {
    // finished before started: a reader may miss a start, never count a finish without its start.
    finished += load_relaxed(worker->finished_);
    started += load_relaxed(worker->started_);
    view.iterations_done += load_relaxed(worker->iterations_);
    for (std::size_t k = 0; k < kOpKinds; ++k) {
      const auto& from = worker->stats_.ops[k];
      auto& into = view.stats.ops[k];
      // The maps before the counters: the errors read next are at least what the maps count.
      if (load_relaxed(from.errors) > 0) {
        std::lock_guard errors_lock(worker->errors_mutex_);
        for (const auto& [code, n] : from.errors_by_code) into.errors_by_code[code] += n;
        for (const auto& [status, n] : from.errors_by_status) into.errors_by_status[status] += n;
      }
      into.add_live(from, detail == LiveDetail::kLatency);
    }
  }
  view.in_flight = started > finished ? started - finished : 0;
  return view;
}

PhaseStats PhaseRecorder::merged() const {
  PhaseStats out;
  out.name = name_;
  std::lock_guard lock(workers_mutex_);
  for (const auto& worker : workers_) out.merge(worker->stats_);
  return out;
}

}  // namespace s3storm::stats
