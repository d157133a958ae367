#include "report/run_report.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace s3storm::report {

std::optional<double> started_s(const RunReport& report, const stats::PhaseStats& phase) {
  if (!(phase.started_epoch_s > 0)) return std::nullopt;
  // Both are kept to the millisecond: count in milliseconds so the offset has no float noise.
  const auto phase_ms = static_cast<std::int64_t>(std::llround(phase.started_epoch_s * 1000.0));
  const auto run_ms = report.started.time_since_epoch().count();
  return static_cast<double>(phase_ms - run_ms) / 1000.0;
}

stats::PhaseStats totals(const RunReport& report) {
  stats::PhaseStats all;
  all.name = "totals";
  for (const auto& phase : report.phases) all.merge(phase);
  all.duration_s = report.duration_s;  // the run's, pauses between phases included
  return all;
}

void merge_report(RunReport& into, const RunReport& from) {
  if (into.scenario != from.scenario) {
    throw std::invalid_argument("scenario \"" + from.scenario + "\" differs from \"" +
                                into.scenario + "\"");
  }
  if (into.phases.size() != from.phases.size()) {
    throw std::invalid_argument("has " + std::to_string(from.phases.size()) + " phases, expected " +
                                std::to_string(into.phases.size()));
  }
  for (std::size_t i = 0; i < into.phases.size(); ++i) {
    if (into.phases[i].name != from.phases[i].name) {
      throw std::invalid_argument("phase " + std::to_string(i + 1) + " is \"" +
                                  from.phases[i].name + "\", expected \"" + into.phases[i].name +
                                  "\"");
    }
    // A search's probes and its answer belong to one machine's run; `run --shard` refuses it.
    if (into.phases[i].search || from.phases[i].search) {
      throw std::invalid_argument("phase \"" + into.phases[i].name +
                                  "\" is a capacity search, which runs whole on one machine; "
                                  "searches cannot be added up");
    }
  }
  if (into.events.source != from.events.source) {
    throw std::invalid_argument("event source \"" + from.events.source + "\" differs from \"" +
                                into.events.source + "\"");
  }

  using std::chrono::duration;
  const auto end_of = [](const RunReport& r) {
    return std::chrono::duration_cast<duration<double>>(r.started.time_since_epoch()).count() +
           r.duration_s;
  };
  const double end = std::max(end_of(into), end_of(from));
  into.started = std::min(into.started, from.started);
  into.duration_s =
      end - std::chrono::duration_cast<duration<double>>(into.started.time_since_epoch()).count();

  for (std::size_t i = 0; i < into.phases.size(); ++i) {
    // Shards split a phase's concurrency, rate and iterations, so their plans add back up.
    auto& plan = into.phases[i].plan;
    const auto& other = from.phases[i].plan;
    plan.concurrency += other.concurrency;
    plan.rate_per_s += other.rate_per_s;
    plan.iterations += other.iterations;
    plan.duration_s = std::max(plan.duration_s, other.duration_s);
    into.phases[i].merge(from.phases[i]);
  }
  into.events.merge(from.events);
  into.shards += from.shards;
  if (into.stopped_by.empty()) into.stopped_by = from.stopped_by;
  if (into.interrupted_by.empty()) into.interrupted_by = from.interrupted_by;
  into.meta.shard.clear();  // a merged report is no single shard's
  into.meta.threads += from.meta.threads;
  // Shards told to start together keep the time they were given; shards told different ones, none.
  if (into.meta.start_at != from.meta.start_at) into.meta.start_at.clear();
  if (from.cleanup) {
    auto& cleanup = into.cleanup.emplace(into.cleanup.value_or(CleanupStats{}));
    cleanup.deleted += from.cleanup->deleted;
    cleanup.failed += from.cleanup->failed;
  }
  into.thresholds.clear();
}

}  // namespace s3storm::report
