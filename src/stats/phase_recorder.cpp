#include "stats/phase_recorder.hpp"

#include "stats/relaxed.hpp"

namespace s3storm::stats {

WorkerRecorder::WorkerRecorder(const std::string& phase_name,
                               const std::vector<std::string>& endpoint_urls) {
  stats_.name = phase_name;
  for (auto& op : stats_.ops) op.allocate_histograms();
  // Sized once, here: live() walks these while the worker records.
  stats_.endpoints.resize(endpoint_urls.size());
  for (std::size_t i = 0; i < endpoint_urls.size(); ++i) stats_.endpoints[i].url = endpoint_urls[i];
  endpoint_kinds_ = std::vector<std::atomic<std::uint32_t>>(endpoint_urls.size());
}

void WorkerRecorder::started() noexcept {
  add_relaxed(started_, 1);
}

void WorkerRecorder::record(OpKind kind, const OpOutcome& outcome) {
  // Per endpoint, operations as the ops table counts them: a multipart upload once, not per part.
  EndpointStats* endpoint =
      kind != OpKind::kMultipartPart && outcome.endpoint < stats_.endpoints.size()
          ? &stats_.endpoints[outcome.endpoint]
          : nullptr;
  // The endpoint's per-kind stats only: its all-kinds `all` is their sum, added up by merged()
  // and live() rather than recorded a second time here.
  if (endpoint != nullptr && !endpoint->op(kind).latency.allocated()) {
    // Its first operation of this kind: the latency histogram gets its array now, and only then
    // is live() told it may read it (release: the array is there before the bit).
    endpoint->op(kind).latency.allocate();
    endpoint_kinds_[outcome.endpoint].fetch_or(std::uint32_t{1} << static_cast<unsigned>(kind),
                                               std::memory_order_release);
  }
  const auto record_all = [&] {
    stats_.op(kind).record(outcome);
    if (endpoint != nullptr) endpoint->op(kind).record(outcome);
  };
  if (outcome.ok) {
    record_all();
  } else {
    std::lock_guard lock(errors_mutex_);
    record_all();
  }
  if (kind != OpKind::kMultipartPart) add_relaxed(finished_, 1);
}

void WorkerRecorder::iteration_done() noexcept {
  add_relaxed(iterations_, 1);
}

WorkerRecorder& PhaseRecorder::add_worker(const std::vector<std::string>& endpoint_urls) {
  std::lock_guard lock(workers_mutex_);
  workers_.push_back(std::make_unique<WorkerRecorder>(name_, endpoint_urls));
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
      into.add_live(from, detail != LiveDetail::kCounters, detail == LiveDetail::kLatencyAndTtfb);
    }
    // Per endpoint: the counters per kind, and all kinds together with their latency (from the
    // kinds whose histogram the worker has published: it allocates them as they first run).
    const auto& endpoints = worker->stats_.endpoints;
    if (view.stats.endpoints.size() < endpoints.size()) {
      view.stats.endpoints.resize(endpoints.size());
    }
    for (std::size_t e = 0; e < endpoints.size(); ++e) {
      auto& into = view.stats.endpoints[e];
      into.url = endpoints[e].url;
      const std::uint32_t published = worker->endpoint_kinds_[e].load(std::memory_order_acquire);
      for (std::size_t k = 0; k < kOpKinds; ++k) {
        into.ops[k].add_live(endpoints[e].ops[k], false);
        const bool readable = (published >> k & 1U) != 0;
        into.all.add_live(endpoints[e].ops[k], readable && detail != LiveDetail::kCounters);
      }
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
  for (auto& endpoint : out.endpoints) endpoint.add_up_kinds();
  return out;
}

}  // namespace s3storm::stats
