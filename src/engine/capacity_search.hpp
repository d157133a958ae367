#pragma once

// A phase's `search:`: probes one open-loop rate at a time (scenario::SearchSteps says which),
// judges each probe on its own numbers with the phase's `until` (report::evaluate_thresholds, the
// thresholds' one evaluator, on a report of that probe alone), and keeps what it found in the
// phase's stats::SearchOutcome.
//
// Per probe: a fresh statistic (the previous probe's workers were joined, so nothing of theirs
// is in flight or counted), and a Matcher tally window over the operations that completed during
// it, so its events are its own wherever they arrive. After the load it waits for the probe's
// events: until none is missing, or `settle` (the scenario's events grace) has passed.

#include <atomic>
#include <chrono>
#include <functional>

#include "engine/event_intake.hpp"
#include "engine/live_run.hpp"
#include "engine/phase_context.hpp"
#include "engine/progress.hpp"
#include "engine/scenario_run.hpp"
#include "events/matcher.hpp"
#include "scenario/model.hpp"
#include "stats/op_stats.hpp"
#include "stats/phase_recorder.hpp"

namespace s3storm::engine {

struct SearchHooks {
  // Fills a probe's context with what every probe shares (scenario, phase, session, pool,
  // matcher, share, stop); the search sets the recorder, start, deadline and schedule.
  std::function<void(PhaseContext&)> prepare;
  // A probe at `rate_per_s` (the `number`-th, from 1) begins: the recorder it records into (the
  // live run's, for the progress line and the metrics endpoint); and ends.
  std::function<stats::PhaseRecorder&(std::size_t number, double rate_per_s)> begin_probe;
  std::function<void()> end_probe;
  // Waiting for a probe's events (`missing` of them, until `deadline`) begins; may be empty.
  std::function<void(events::Matcher*, std::size_t window, Clock::time_point deadline)> settling;
};

struct SearchSettings {
  std::size_t threads = 1;
  std::chrono::nanoseconds settle{};  // at most this long per probe for its events
  const std::atomic<bool>* stop = nullptr;
};

// All probes' operations together, as the phase's statistic, with `search` filled in.
stats::PhaseStats run_capacity_search(const scenario::Phase& phase, events::Matcher* matcher,
                                      const SearchSettings& settings, const SearchHooks& hooks);

// A search phase of a run: its probes go through the run's live statistics, progress line and
// event intake. `number` is the phase's place in the run {from 1, of}.
stats::PhaseStats search_phase(const PreparedPhase& prepared,
                               const std::function<void(PhaseContext&)>& share_run,
                               std::pair<std::size_t, std::size_t> number,
                               const RunOptions& options, EventIntake& intake, LiveRun& live_run,
                               std::optional<Progress>& progress, const std::atomic<bool>& stop);

// A search is one machine's question: shards each offering part of a rate could not tell which
// of them made a probe fail. Throws UsageError under --shard when a phase searches.
void refuse_sharded_search(const scenario::Scenario& scenario, const scenario::ShardSpec& shard);

}  // namespace s3storm::engine
