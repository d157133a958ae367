#include "engine/capacity_search.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <thread>

#include "engine/phase_runner.hpp"
#include "report/thresholds.hpp"
#include "scenario/search_steps.hpp"
#include "util/usage_error.hpp"

namespace s3storm::engine {

namespace {

// How often the settle wait looks at the probe's tally: short next to any useful grace, and a
// lock taken 50 times a second costs the receivers nothing.
constexpr std::chrono::milliseconds kSettlePoll{20};

double epoch_seconds_ms(std::chrono::system_clock::time_point t) {
  return static_cast<double>(
             std::chrono::floor<std::chrono::milliseconds>(t).time_since_epoch().count()) /
         1000.0;
}

bool stopped(const SearchSettings& settings) {
  return settings.stop != nullptr && settings.stop->load(std::memory_order_relaxed);
}

// Waits until no event of the probe's window is missing, the settle time is over, or the run
// is stopped.
void settle(events::Matcher& matcher, std::size_t window, Clock::time_point deadline,
            const SearchSettings& settings) {
  while (Clock::now() < deadline && !stopped(settings)) {
    matcher.settle(Clock::now());
    if (matcher.tally(window).missing == 0) return;
    std::this_thread::sleep_for(kSettlePoll);
  }
}

}  // namespace

stats::PhaseStats run_capacity_search(const scenario::Phase& phase, events::Matcher* matcher,
                                      const SearchSettings& settings, const SearchHooks& hooks) {
  const scenario::Search& search = *phase.search;
  scenario::SearchSteps steps(search);
  stats::SearchOutcome outcome;
  outcome.from_per_s = search.from_per_second;
  outcome.to_per_s = search.to_per_second;
  outcome.probe_s = std::chrono::duration<double>(search.probe).count();
  outcome.precision = search.precision;

  stats::PhaseStats all;
  all.name = phase.name;
  std::size_t number = 0;
  while (const auto rate = steps.next()) {
    if (stopped(settings)) break;
    PhaseContext context;
    hooks.prepare(context);
    // Each probe's flows are numbered on from the previous probe's: {worker} and the flows' key
    // streams ({uuid}, {rand:N}) then differ per probe, so a probe does not write the keys an
    // earlier one wrote (and an early event is not taken for an older operation's).
    context.share.first_flow += number * static_cast<std::uint64_t>(std::max(1, phase.concurrency));
    context.recorder = &hooks.begin_probe(++number, *rate);
    prepare_workers(context, settings.threads);  // before the start: not the probe's time
    context.schedule.emplace(*rate, std::vector<OpenLoopSchedule::Ramp>{});
    const auto wall_start = std::chrono::system_clock::now();
    context.start = Clock::now();
    context.deadline = context.start + search.probe;
    std::optional<std::size_t> window;
    if (matcher != nullptr) window = matcher->open_tally(context.start);
    stats::PhaseStats probe_stats = run_phase(context, settings.threads).stats;
    const auto load_end = Clock::now();
    if (matcher != nullptr) matcher->close_tally(load_end);
    hooks.end_probe();
    probe_stats.started_epoch_s = epoch_seconds_ms(wall_start);

    stats::SearchProbe probe;
    probe.rate_per_s = *rate;
    probe.duration_s = probe_stats.duration_s;
    probe.dropped = probe_stats.dropped;
    // The probe alone, as a report: `until` is measured on it like any threshold on a run.
    report::RunReport alone;
    alone.duration_s = probe_stats.duration_s;
    alone.phases.push_back(probe_stats);
    if (window) {
      const auto deadline = load_end + settings.settle;
      if (hooks.settling) hooks.settling(matcher, *window, deadline);
      settle(*matcher, *window, deadline, settings);
      probe.settle_s = std::chrono::duration<double>(Clock::now() - load_end).count();
      alone.events.by_type["probe"] = matcher->tally(*window);
    }
    probe.achieved_per_s = report::measure(alone, {"ops", "rate"});
    bool held = probe.dropped == 0;  // a rate the generator could not offer was not shown to hold
    for (const auto& result : report::evaluate_thresholds(alone, search.until)) {
      probe.until.push_back({result.expr, result.measured, result.pass, result.unit});
      held = held && result.pass;
    }
    probe.held = held;
    // A stopped run's last probe may have been cut short: it says nothing about its rate.
    if (!stopped(settings)) steps.record(*rate, held);
    outcome.probes.push_back(std::move(probe));
    all.merge(probe_stats);
  }
  outcome.max_rate_per_s = steps.max_held();
  all.search = std::move(outcome);
  return all;
}

stats::PhaseStats search_phase(const PreparedPhase& prepared,
                               const std::function<void(PhaseContext&)>& share_run,
                               std::pair<std::size_t, std::size_t> number,
                               const RunOptions& options, EventIntake& intake, LiveRun& live_run,
                               std::optional<Progress>& progress, const std::atomic<bool>& stop) {
  const scenario::Phase& phase = *prepared.phase;
  SearchHooks hooks;
  hooks.prepare = share_run;
  stats::PhaseRecorder* probing = nullptr;
  hooks.begin_probe = [&](std::size_t probe, double rate) -> stats::PhaseRecorder& {
    auto& recorder = live_run.begin_phase(phase.name);
    probing = &recorder;
    if (progress) {
      progress->phases({{.number = number.first,
                         .of = number.second,
                         .name = fmt::format("{} (probe {} at {:g}/s)", phase.name, probe, rate),
                         .recorder = &recorder,
                         .start = Clock::now(),
                         .duration = phase.search->probe,
                         .iterations = 0}});
    }
    return recorder;
  };
  hooks.end_probe = [&live_run, &probing] {
    if (probing) live_run.end_phase(*probing);
  };
  if (progress) {
    hooks.settling = [&progress](events::Matcher* matcher, std::size_t window,
                                 Clock::time_point deadline) {
      progress->stage([matcher, window, deadline] {
        const auto left = std::chrono::duration<double>(deadline - Clock::now()).count();
        return fmt::format("search: waiting for {} events of the probe, {:.0f} s left",
                           matcher->tally(window).missing, std::max(0.0, left));
      });
    };
  }
  stats::PhaseStats stats = run_capacity_search(
      phase, intake.matcher(),
      {.threads = options.threads,
       .settle = std::chrono::duration_cast<std::chrono::nanoseconds>(intake.grace()),
       .stop = &stop},
      hooks);
  stats.plan.concurrency = static_cast<std::uint64_t>(phase.concurrency);
  return stats;
}

void refuse_sharded_search(const scenario::Scenario& scenario, const scenario::ShardSpec& shard) {
  if (!shard.sharded()) return;
  for (const auto& phase : scenario.phases) {
    if (phase.search) {
      throw UsageError(fmt::format(
          "--shard {}/{}: phase '{}' is a capacity search, which runs on one machine (shards "
          "offering parts of a rate cannot tell which of them made a probe fail)",
          shard.index, shard.count, phase.name));
    }
  }
}

}  // namespace s3storm::engine
