#include "engine/scenario_run.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "engine/blocking_client.hpp"
#include "engine/capacity_search.hpp"
#include "engine/event_intake.hpp"
#include "engine/live_run.hpp"
#include "engine/notification_rules.hpp"
#include "engine/phase_runner.hpp"
#include "engine/prepared_step.hpp"
#include "engine/progress.hpp"
#include "engine/run_watch.hpp"
#include "engine/setup.hpp"
#include "engine/transport.hpp"
#include "metrics/exposition.hpp"
#include "metrics/metrics_server.hpp"
#include "s3storm/version.hpp"
#include "util/iso_time.hpp"
#include "util/usage_error.hpp"

namespace s3storm::engine {

namespace {

// Bodies come from one buffer; a single request larger than this is refused before the run.
constexpr std::uint64_t kMaxPayloadBytes = 1ull << 30;

sigv4::Credentials first_credentials(const scenario::Target& target, const RunOptions& options,
                                     const LocalTarget& local_target) {
  if (!target.credentials.from_env) {
    return {target.credentials.access_key, target.credentials.secret_key,
            target.credentials.session_token};
  }
  if (options.credentials) return options.credentials->current();
  // Nothing found in the AWS environment: the local target's own keys.
  if (target.is_embedded()) return local_target.default_credentials();
  throw UsageError("no AWS credentials for " + target.endpoint);
}

// The --metrics endpoint: Prometheus text rendered from the live numbers at each scrape.
std::unique_ptr<metrics::MetricsServer> start_metrics(const RunOptions& options,
                                                      const LiveRun& live_run,
                                                      EventIntake& intake) {
  if (options.metrics_address.empty()) return nullptr;
  auto server = std::make_unique<metrics::MetricsServer>(
      options.metrics_address, options.metrics_remote, [&live_run, &intake] {
        metrics::LiveView view;
        view.version = kVersion;
        view.phases = live_run.snapshot_phases();
        for (const auto& phase : view.phases) view.in_flight += phase.in_flight;
        view.events_checked = intake.checking();
        if (intake.checking()) view.events = intake.live_summary();
        view.foreign_events = intake.foreign_events();
        view.elapsed_s = std::chrono::duration<double>(live_run.elapsed()).count();
        return metrics::render_exposition(view);
      });
  server->start();
  // Always said (also with --quiet): with port 0 this is the only way to learn the port.
  fmt::print(stderr, "metrics: http://{}:{}/metrics\n",
             options.metrics_address.substr(0, options.metrics_address.rfind(':')), server->port());
  std::fflush(stderr);
  return server;
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return fmt::format("signal {}", signal);
  }
}

std::string seconds_left(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now());
  return fmt::format("{:.0f} s left", std::max(0.0, left.count()));
}

// --metrics-linger: the endpoint keeps serving the final numbers for the scraper's last look,
// until the time is up or the user stops it. It comes after the report files are written.
void linger(const RunOptions& options, const std::atomic<int>& user_stop) {
  if (options.metrics_linger.count() <= 0 || user_stop.load() != 0) return;
  if (options.progress != nullptr) {
    fmt::print(options.progress,
               "metrics: serving the final numbers for {:.0f} s (Ctrl-C ends it)\n",
               std::chrono::duration<double>(options.metrics_linger).count());
    std::fflush(options.progress);
  }
  const auto deadline = std::chrono::steady_clock::now() + options.metrics_linger;
  while (std::chrono::steady_clock::now() < deadline && user_stop.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// --start-at: waits (after setup) for the wall-clock time every shard was given, showing it on
// the progress line. A stop during the wait ends it at once; nothing of the load has been sent.
void wait_for_start(const RunOptions& options, const std::atomic<int>& user_stop,
                    std::optional<Progress>& progress) {
  if (!options.start_at) return;
  const auto at = *options.start_at;
  const auto late = std::chrono::system_clock::now() - at;
  if (late > std::chrono::milliseconds(100)) {
    fmt::print(stderr, "start-at: setup ended {:.1f} s after {}; the load starts now\n",
               std::chrono::duration<double>(late).count(), format_iso8601(at));
    return;
  }
  if (progress) {
    progress->stage([at] {
      const auto left = std::chrono::duration<double>(at - std::chrono::system_clock::now());
      return fmt::format("waiting to start at {} ({:.0f} s left)", format_iso8601(at),
                         std::max(0.0, left.count()));
    });
  }
  while (user_stop.load() == 0) {
    const auto left = at - std::chrono::system_clock::now();
    if (left <= std::chrono::nanoseconds(0)) break;
    std::this_thread::sleep_for(
        std::min<std::chrono::nanoseconds>(left, std::chrono::milliseconds(20)));
  }
}

// Why the run ended early, in the report's words; empty when it ran to its end.
std::string stopped_by(const RunWatch& watch, const std::atomic<int>& user_stop) {
  if (!watch.aborted_by().empty()) {
    const auto& failed = watch.aborted_by().front();
    return fmt::format("abort_on_fail threshold '{}' failed at {:.1f} s (measured {})", failed.expr,
                       watch.aborted_at_s(), report::format_measured(failed));
  }
  return user_stop.load() != 0 ? "interrupted by " + signal_name(user_stop.load()) : "";
}

// What a phase was told to do, beside what it did: a report read alone says how it was loaded.
// `phase` is this shard's (its concurrency and iterations already split); the rate it keeps whole,
// and the shard takes every shard_count-th start.
stats::PhasePlan plan_of(const scenario::Phase& phase, std::uint32_t shard_count) {
  stats::PhasePlan plan;
  plan.concurrency = static_cast<std::uint64_t>(phase.concurrency);
  plan.rate_per_s = phase.rate_per_second.value_or(0) / shard_count;
  plan.iterations = phase.iterations.value_or(0);
  if (phase.duration) plan.duration_s = std::chrono::duration<double>(*phase.duration).count();
  return plan;
}

// Whether any step deletes what the run wrote in batches, so the written keys must be kept.
bool deletes_in_batches(const scenario::Scenario& scenario) {
  for (const auto& phase : scenario.phases) {
    for (const auto& step : phase.flow) {
      if (step.op == OpKind::kDeleteObjects) return true;
    }
    for (const auto& weighted : phase.mix) {
      if (weighted.step.op == OpKind::kDeleteObjects) return true;
    }
  }
  return false;
}

std::uint64_t payload_size(const std::vector<std::unique_ptr<PreparedPhase>>& phases) {
  std::uint64_t largest = 1;
  for (const auto& phase : phases) largest = std::max(largest, phase->largest_body);
  if (largest > kMaxPayloadBytes) {
    throw UsageError(fmt::format(
        "a single request of this scenario may carry {} bytes; s3storm sends at most {} bytes "
        "per request (use multipart for larger objects)",
        largest, kMaxPayloadBytes));
  }
  return largest;
}

// Runs the phases of one group at once, each with `threads` threads of its own (a phase's
// --threads and concurrency hold as if it ran alone), and returns their statistics in order.
// A phase that ends early frees nothing for the others: the group ends when its last phase does.
std::vector<stats::PhaseStats> run_phases_together(
    const std::vector<std::unique_ptr<PhaseContext>>& contexts, std::size_t threads,
    LiveRun& live_run) {
  std::vector<stats::PhaseStats> out(contexts.size());
  const auto run_one = [&](std::size_t i) {
    out[i] = run_phase(*contexts[i], threads).stats;
    live_run.end_phase(*contexts[i]->recorder);
  };
  if (contexts.size() == 1) {
    run_one(0);
    return out;
  }
  std::vector<std::exception_ptr> failures(contexts.size());
  std::vector<std::thread> runners;
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    runners.emplace_back([&, i] {
      try {
        run_one(i);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    });
  }
  for (auto& runner : runners) runner.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return out;
}

}  // namespace

RunResult run_scenario(const scenario::Scenario& unsharded, const RunOptions& options,
                       LocalTarget& local_target, const ReportsReady& reports_ready) {
  // Everything below runs this shard's part (all of it when not sharded).
  refuse_sharded_search(unsharded, options.shard);
  scenario::ShardedScenario sharded;
  try {
    sharded = scenario::shard_scenario(unsharded, options.shard);
  } catch (const std::invalid_argument& e) {
    throw UsageError(
        fmt::format("--shard {}/{}: {}", options.shard.index, options.shard.count, e.what()));
  }
  const scenario::Scenario& scenario = sharded.scenario;
  RunResult outcome;
  report::RunReport& result = outcome.report;
  result.scenario = scenario.source_name;
  result.scenario_path = scenario.source_name;
  result.started =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto run_start = std::chrono::steady_clock::now();
  static const std::atomic<int> kNeverStop{0};
  const std::atomic<int>& user_stop = options.stop != nullptr ? *options.stop : kNeverStop;
  std::atomic<bool> stop_requested{false};  // the user's stop, or a failed abort_on_fail threshold

  // Everything that can fail on the user's input happens before anything is sent.
  std::vector<std::unique_ptr<PreparedPhase>> phases;
  for (const auto& phase : scenario.phases)
    phases.push_back(std::make_unique<PreparedPhase>(phase));
  const s3::Payload payload(payload_size(phases), scenario.seed);
  const auto credentials = first_credentials(scenario.target, options, local_target);
  // Refreshed credentials reach the signers only for `credentials: env`.
  const auto feed = scenario.target.credentials.from_env ? options.credentials : nullptr;
  LiveRun live_run(run_start);
  EventIntake intake(sharded, options.shard);

  const auto metrics_server = start_metrics(options, live_run, intake);
  std::string endpoint_url = scenario.target.endpoint;
  const bool local = scenario.target.is_embedded();
  // Whatever ends the run, the local target stops before the intake its events go to is gone
  // (on an early exit the caller's target would otherwise outlive it and deliver into it).
  struct StopLocalTarget {
    LocalTarget& target;
    ~StopLocalTarget() { target.stop(); }
  } stop_local_target{local_target};
  if (local) {
    endpoint_url = local_target.start({.region = scenario.target.region,
                                       .seed = scenario.seed,
                                       .credentials = credentials,
                                       .notify_unconfigured = scenario.setup.notifications.empty()},
                                      intake.local_sink());
  }
  result.meta = {.tool_version = kVersion,
                 .endpoint = endpoint_url,
                 // All of them in order (the first is `endpoint`); with one, that one.
                 .endpoints = scenario.target.endpoints.empty()
                                  ? std::vector<std::string>{endpoint_url}
                                  : scenario.target.endpoints,
                 .region = scenario.target.region,
                 .seed = scenario.seed,
                 .threads = options.threads,
                 .shard = options.shard.sharded()
                              ? fmt::format("{}/{}", options.shard.index, options.shard.count)
                              : std::string(),
                 .start_at = options.start_at ? format_iso8601(*options.start_at) : std::string()};
  intake.start_source(local, credentials, feed);
  const Transport transport =
      make_transport(scenario.target, endpoint_url, credentials, feed, options.insecure);

  const auto endpoints = endpoints_of(scenario.target);
  const auto lane_endpoints =
      endpoints.empty() ? std::vector<http::Endpoint>{transport.session.endpoint} : endpoints;
  std::optional<Progress> progress;
  if (options.progress != nullptr) progress.emplace(options.progress, intake.matcher());
  {
    if (progress) {
      progress->stage([&scenario] {
        return fmt::format("setup: {} bucket(s), {} notification configuration(s)",
                           scenario.setup.buckets.size(), scenario.setup.notifications.size());
      });
    }
    // Each endpoint may be a store of its own: each gets the buckets and their configuration.
    for (const auto& endpoint : lane_endpoints) {
      auto session = transport.session;
      session.endpoint = endpoint;
      BlockingClient client(session, transport.pool, transport.tls, payload);
      run_setup(client, scenario, {.embedded = local, .webhook_url = intake.webhook_url()});
    }
  }

  const NotificationRules rules(scenario);
  std::optional<WrittenKeys> written;
  if (deletes_in_batches(scenario)) written.emplace();
  RunWatch watch(user_stop, stop_requested, live_run, scenario.thresholds);
  // What every phase's (and every probe's) workers share.
  const auto share_run = [&](PhaseContext& context, const PreparedPhase& prepared,
                             const scenario::PhaseShare& share) {
    context.scenario = &scenario;
    context.phase = &prepared;
    context.payload = &payload;
    context.session = transport.session;
    context.endpoints = endpoints;
    context.spread = scenario.target.spread;
    context.pool = transport.pool;
    context.tls = transport.tls;
    context.rules = &rules;
    context.matcher = intake.matcher();
    context.written = written ? &*written : nullptr;
    context.share = share;
    context.stop = &stop_requested;
  };
  wait_for_start(options, user_stop, progress);
  intake.load_started();
  for (const auto& group : scenario::phase_groups(scenario.phases)) {
    if (stop_requested.load() || user_stop.load()) break;
    // A search runs alone (the loader refuses `with:` on or to one): its probes are phases.
    if (const auto& prepared = *phases[group.front()]; prepared.phase->search) {
      const auto& share = sharded.phases[group.front()];
      result.phases.push_back(search_phase(
          prepared, [&](PhaseContext& context) { share_run(context, prepared, share); },
          {group.front() + 1, phases.size()}, options, intake, live_run, progress, stop_requested));
      continue;
    }
    // The phases of a group start at the same instant and each runs on threads of its own.
    std::vector<std::unique_ptr<PhaseContext>> contexts;
    for (const std::size_t index : group) {
      auto& context = *contexts.emplace_back(std::make_unique<PhaseContext>());
      share_run(context, *phases[index], sharded.phases[index]);
      context.recorder = &live_run.begin_phase(phases[index]->phase->name);
      prepare_workers(context, options.threads);  // before the start: not the phase's time
    }
    const auto start = Clock::now();
    const auto wall_start = std::chrono::system_clock::now();
    std::vector<PhaseProgress> shown;
    for (std::size_t i = 0; i < group.size(); ++i) {
      const std::size_t index = group[i];
      const auto& phase = *phases[index]->phase;
      const auto& share = sharded.phases[index];
      auto& context = *contexts[i];
      context.start = start;
      if (phase.duration) context.deadline = context.start + *phase.duration;
      if (phase.rate_per_second || !phase.ramp.empty()) {
        std::vector<OpenLoopSchedule::Ramp> ramps;
        for (const auto& stage : phase.ramp) ramps.push_back({stage.to_per_second, stage.over});
        context.schedule.emplace(phase.rate_per_second.value_or(0), ramps);
      }
      shown.push_back({.number = index + 1,
                       .of = phases.size(),
                       .name = phase.name,
                       .recorder = context.recorder,
                       .start = context.start,
                       .duration = phase.duration,
                       .iterations = phase.iterations && *phase.iterations > share.first_iteration
                                         ? *phase.iterations - share.first_iteration
                                         : 0});
    }
    if (progress) progress->phases(std::move(shown));
    const auto ran = run_phases_together(contexts, options.threads, live_run);
    for (std::size_t i = 0; i < group.size(); ++i) {
      auto& stats = result.phases.emplace_back(ran[i]);
      stats.plan = plan_of(*phases[group[i]]->phase, options.shard.count);
      // To the millisecond, as the JSON keeps it: a report read back draws the same charts.
      stats.started_epoch_s =
          static_cast<double>(std::chrono::floor<std::chrono::milliseconds>(wall_start)
                                  .time_since_epoch()
                                  .count()) /
          1000.0;
    }
  }
  watch.finish();
  outcome.aborted_by = watch.aborted_by();
  outcome.aborted_at_s = watch.aborted_at_s();
  result.stopped_by = stopped_by(watch, user_stop);

  if (progress && intake.checking() && intake.matcher()->missing_so_far() > 0 &&
      !stop_requested.load()) {
    const auto deadline = std::chrono::steady_clock::now() + intake.grace();
    progress->stage([matcher = intake.matcher(), deadline] {
      return fmt::format("events: waiting for {} events, {}", matcher->missing_so_far(),
                         seconds_left(deadline));
    });
  }
  intake.wait_for_stragglers(stop_requested, user_stop);
  if (result.stopped_by.empty() && user_stop.load() != 0) {
    result.stopped_by =
        "interrupted by " + signal_name(user_stop.load()) + " while waiting for late events";
  }
  if (user_stop.load() != 0) result.interrupted_by = signal_name(user_stop.load());
  result.events = intake.finish();
  if (user_stop.load()) stop_requested.store(true);

  if (scenario.setup.cleanup && !stop_requested.load()) {
    const auto plan = plan_cleanup(scenario);
    for (const auto& refused : plan.refused) {
      fmt::print(stderr,
                 "cleanup: left {} alone: it starts with a variable, so its objects "
                 "cannot be told from others\n",
                 refused);
    }
    std::atomic<std::uint64_t> deleted{0};
    if (progress) {
      progress->stage([&deleted] {
        return fmt::format("cleanup: {} objects deleted", deleted.load(std::memory_order_relaxed));
      });
    }
    // Setup made the buckets on every endpoint, and the load wrote to each: each is cleaned.
    std::uint64_t failed = 0;
    for (const auto& endpoint : lane_endpoints) {
      auto session = transport.session;
      session.endpoint = endpoint;
      BlockingClient client(session, transport.pool, transport.tls, payload);
      failed += run_cleanup(client, plan, deleted);
    }
    result.cleanup = report::CleanupStats{deleted.load(), failed};
    if (progress) {
      progress->stage([cleanup = *result.cleanup] {
        return fmt::format("cleanup: done, {} objects deleted{}", cleanup.deleted,
                           cleanup.failed > 0 ? fmt::format(", {} not", cleanup.failed) : "");
      });
    }
  }
  local_target.stop();  // before the duration is taken: it delivers what it still holds
  result.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  outcome.foreign_events = result.events.foreign;
  // The progress line ends first: the reports then print on a quiet terminal.
  if (progress) progress->stop();
  if (reports_ready) reports_ready(outcome);
  if (metrics_server) {
    linger(options, user_stop);
    metrics_server->stop();
  }
  return outcome;
}

}  // namespace s3storm::engine
