#include "engine/scenario_run.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/blocking_client.hpp"
#include "engine/live_run.hpp"
#include "engine/notification_rules.hpp"
#include "engine/phase_runner.hpp"
#include "engine/prepared_step.hpp"
#include "engine/progress.hpp"
#include "engine/setup.hpp"
#include "events/event_stats_mapping.hpp"
#include "events/key_encoding.hpp"
#include "events/matcher.hpp"
#include "events/notification_parser.hpp"
#include "events/sqs_poller.hpp"
#include "events/webhook_receiver.hpp"
#include "http/tls.hpp"
#include "metrics/exposition.hpp"
#include "metrics/metrics_server.hpp"
#include "report/thresholds.hpp"
#include "sigv4/credentials.hpp"
#include "target/embedded_target.hpp"
#include "util/usage_error.hpp"

namespace s3storm::engine {

namespace {

// Bodies come from one buffer; a single request larger than this is refused before the run.
constexpr std::uint64_t kMaxPayloadBytes = 1ull << 30;

sigv4::Credentials resolve_credentials(const scenario::Target& target) {
  if (!target.credentials.from_env) {
    return {target.credentials.access_key, target.credentials.secret_key,
            target.credentials.session_token};
  }
  if (target.is_embedded()) {
    // The embedded target accepts whatever the chain finds; with nothing found, its own default.
    try {
      return sigv4::resolve_credentials(sigv4::process_environment()).credentials;
    } catch (const UsageError&) {
      return {std::string(target::kDefaultAccessKey), std::string(target::kDefaultSecretKey), ""};
    }
  }
  return sigv4::resolve_credentials(sigv4::process_environment()).credentials;
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

// Waits up to `grace` for the events still missing; returns early once none is.
void wait_for_stragglers(const events::Matcher& matcher, std::chrono::nanoseconds grace,
                         const std::atomic<bool>& stop, const std::atomic<bool>& user_stop) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (matcher.summarize().total_missing() == 0) return;
    if (stop.load() || user_stop.load()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Stops the run for the user (Ctrl-C) or for a failed abort_on_fail threshold: polls the user's
// flag every 50 ms and judges the live numbers once a second; either sets `stop`, which the
// workers watch and drain on, as they do for Ctrl-C.
class RunWatch {
 public:
  RunWatch(const std::atomic<bool>& user_stop, std::atomic<bool>& stop, const LiveRun& live,
           const std::vector<scenario::Threshold>& thresholds)
      : user_stop_(user_stop), stop_(stop), live_(live), thresholds_(thresholds) {
    for (const auto& threshold : thresholds_) {
      if (threshold.abort_on_fail && report::judged_live(threshold)) judging_ = true;
    }
    thread_ = std::thread([this] { loop(); });
  }
  ~RunWatch() { finish(); }

  void finish() {
    {
      std::lock_guard lock(mutex_);
      finishing_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  // Valid after finish().
  const std::vector<report::ThresholdResult>& aborted_by() const { return aborted_by_; }
  double aborted_at_s() const { return aborted_at_s_; }

 private:
  void loop() {
    constexpr auto kPoll = std::chrono::milliseconds(50);
    constexpr auto kJudgeEvery = std::chrono::seconds(1);
    auto next_judgement = Clock::now() + kJudgeEvery;
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, kPoll, [this] { return finishing_; })) {
      if (user_stop_.load()) stop_.store(true);
      if (!judging_ || stop_.load() || Clock::now() < next_judgement) continue;
      next_judgement += kJudgeEvery;
      auto failed =
          report::failed_abort_thresholds(live_.snapshot_report(), thresholds_, live_.elapsed());
      if (failed.empty()) continue;
      aborted_by_ = std::move(failed);
      aborted_at_s_ = std::chrono::duration<double>(live_.elapsed()).count();
      stop_.store(true);
    }
  }

  const std::atomic<bool>& user_stop_;
  std::atomic<bool>& stop_;
  const LiveRun& live_;
  const std::vector<scenario::Threshold>& thresholds_;
  bool judging_ = false;
  std::vector<report::ThresholdResult> aborted_by_;
  double aborted_at_s_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool finishing_ = false;
  std::thread thread_;
};

// Sharded runs: every shard may receive every shard's events (one webhook URL on the bucket).
// Passes on the records for this shard's keys and for keys no template explains (unexpected, as
// in an unsharded run); counts those of other shards' keys apart.
events::NotificationSink own_keys_only(events::NotificationSink next,
                                       std::shared_ptr<const scenario::KeyOwnership> ownership,
                                       std::atomic<std::uint64_t>& foreign) {
  return [next = std::move(next), ownership = std::move(ownership), &foreign](
             const events::Notification& n, events::TimePoint arrival) {
    using Owner = scenario::KeyOwnership::Owner;
    events::Notification mine;
    for (const auto& record : n.records) {
      auto owner = ownership->owner(record.bucket, record.key);
      if (owner == Owner::unknown && events::may_be_encoded(record.key)) {
        if (const auto decoded = events::decode_event_key(record.key)) {
          owner = ownership->owner(record.bucket, *decoded);
        }
      }
      if (owner == Owner::other_shard) {
        foreign.fetch_add(1, std::memory_order_relaxed);
      } else {
        mine.records.push_back(record);
      }
    }
    if (!mine.records.empty()) next(mine, arrival);
  };
}

}  // namespace

RunResult run_scenario(const scenario::Scenario& unsharded, const RunOptions& options) {
  // Everything below runs this shard's part (all of it when not sharded).
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
  static const std::atomic<bool> kNeverStop{false};
  const std::atomic<bool>& user_stop = options.stop != nullptr ? *options.stop : kNeverStop;
  std::atomic<bool> stop_requested{false};  // the user's stop, or a failed abort_on_fail threshold
  const std::atomic<bool>* stop = &stop_requested;

  // Everything that can fail on the user's input happens before anything is sent.
  std::vector<std::unique_ptr<PreparedPhase>> phases;
  for (const auto& phase : scenario.phases)
    phases.push_back(std::make_unique<PreparedPhase>(phase));
  const s3::Payload payload(payload_size(phases), scenario.seed);
  const auto credentials = resolve_credentials(scenario.target);
  const bool events_on = scenario.events.source != scenario::EventSource::none;
  const bool from_sqs = scenario.events.source == scenario::EventSource::sqs;
  if (from_sqs && scenario.target.is_embedded()) {
    throw UsageError(
        "events.source: sqs needs a real endpoint: the embedded target hands its events to the run "
        "directly (use source: webhook with endpoint: embedded)");
  }
  if (from_sqs && options.shard.sharded()) {
    // Not refused: a per-shard queue (--set events.sqs.queue_url=...) is the right setup, and
    // nothing here can tell whether the queues differ.
    fmt::print(stderr,
               "s3storm: shard {}/{}: the SQS poller deletes every message it reads, so each shard "
               "needs its own queue (see docs/sharding.md)\n",
               options.shard.index, options.shard.count);
  }

  stats::LiveCounters live;
  LiveRun live_run(run_start);
  std::atomic<std::uint64_t> foreign_events{0};
  std::unique_ptr<events::Matcher> matcher;
  events::NotificationSink sink;
  if (events_on) {
    matcher = std::make_unique<events::Matcher>();
    sink = [base = events::matching_sink(*matcher), &live](const events::Notification& n,
                                                           events::TimePoint arrival) {
      base(n, arrival);
      for (std::size_t i = 0; i < n.records.size(); ++i) live.event_seen();
    };
    if (options.shard.sharded()) {
      sink = own_keys_only(std::move(sink), std::make_shared<scenario::KeyOwnership>(sharded),
                           foreign_events);
    }
  }

  std::unique_ptr<metrics::MetricsServer> metrics_server;
  if (!options.metrics_address.empty()) {
    metrics_server = std::make_unique<metrics::MetricsServer>(
        options.metrics_address, options.metrics_remote, [&] {
          metrics::LiveView view;
          view.phases = live_run.snapshot_phases();
          view.in_flight = live.snapshot().in_flight;
          view.events_checked = matcher != nullptr;
          if (matcher) view.events = matcher->summarize();
          view.foreign_events = foreign_events.load(std::memory_order_relaxed);
          view.elapsed_s = std::chrono::duration<double>(live_run.elapsed()).count();
          return metrics::render_exposition(view);
        });
    metrics_server->start();
    // Always said (also with --quiet): with port 0 this is the only way to learn the port.
    fmt::print(stderr, "metrics: http://{}:{}/metrics\n",
               options.metrics_address.substr(0, options.metrics_address.rfind(':')),
               metrics_server->port());
    std::fflush(stderr);
  }

  std::unique_ptr<target::EmbeddedTarget> embedded;
  std::string endpoint_url = scenario.target.endpoint;
  if (scenario.target.is_embedded()) {
    embedded = std::make_unique<target::EmbeddedTarget>();
    if (events_on) {
      embedded->set_event_sink([&sink](std::string json) {
        const auto arrival = events::Clock::now();
        try {
          sink(events::parse_notification(json), arrival);
        } catch (const events::NotificationParseError&) {
          // The embedded target writes what the parser reads; a mismatch would be our bug and
          // shows up as missing events, not as a crash.
        }
      });
    }
    target::TargetOptions target_options;
    target_options.region = scenario.target.region;
    target_options.seed = scenario.seed;
    target_options.credentials[credentials.access_key_id] = credentials.secret_access_key;
    embedded->start(target_options);
    endpoint_url = embedded->endpoint();
  }

  std::unique_ptr<events::SqsPoller> sqs;
  if (from_sqs) {
    events::SqsOptions sqs_options;
    sqs_options.queue_url = scenario.events.sqs.queue_url;
    sqs_options.region = scenario.target.region;
    sqs_options.credentials = credentials;
    sqs_options.pollers = scenario.events.sqs.pollers;
    sqs_options.wait = std::chrono::duration_cast<std::chrono::seconds>(scenario.events.sqs.wait);
    sqs = std::make_unique<events::SqsPoller>(sqs_options, sink);
    sqs->start();
  }

  std::unique_ptr<events::WebhookReceiver> webhook;
  if (events_on && !embedded && !from_sqs) {
    events::WebhookOptions webhook_options;
    webhook_options.listen =
        fmt::format("{}:{}", scenario.events.listen_host, scenario.events.listen_port);
    webhook_options.auth_token = scenario.events.auth_token;
    webhook_options.sns_confirm = scenario.events.sns_confirm;
    webhook_options.body_limit = scenario.events.max_body;
    webhook = std::make_unique<events::WebhookReceiver>(webhook_options, sink,
                                                        events::confirm_by_fetching);
    webhook->start();
  }

  s3::SessionConfig session;
  session.endpoint = http::Endpoint::parse(endpoint_url);
  session.virtual_host = scenario.target.addressing == scenario::Addressing::virtual_host;
  session.sign_payload = scenario.target.payload == scenario::Payload::signed_payload;
  session.region = scenario.target.region;
  session.credentials = credentials;
  session.retry.max_retries = scenario.target.retries;

  http::PoolOptions pool;
  pool.connect_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(scenario.target.connect_timeout);
  pool.request_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(scenario.target.request_timeout);
  pool.idle_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(scenario.target.idle_timeout);
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (session.endpoint.scheme == http::Scheme::https) {
    tls = http::make_client_tls_context(
        {scenario.target.tls.verify && !options.insecure, scenario.target.tls.ca_file});
  }

  {
    BlockingClient client(session, pool, tls, payload);
    SetupOptions setup_options;
    setup_options.embedded = embedded != nullptr;
    if (webhook) {
      const auto& host = scenario.events.listen_host;
      setup_options.webhook_url = host.find(':') == std::string::npos
                                      ? fmt::format("http://{}:{}/", host, webhook->port())
                                      : fmt::format("http://[{}]:{}/", host, webhook->port());
    }
    run_setup(client, scenario, setup_options);
  }

  const NotificationRules rules(scenario);
  std::optional<Progress> progress;
  if (options.progress != nullptr) progress.emplace(live, options.progress);
  RunWatch watch(user_stop, stop_requested, live_run, scenario.thresholds);
  std::size_t phase_index = 0;
  for (const auto& prepared : phases) {
    if (stop->load() || user_stop.load()) break;
    const auto& phase = *prepared->phase;
    if (progress) progress->set_phase(phase.name);
    PhaseContext context;
    context.scenario = &scenario;
    context.phase = prepared.get();
    context.payload = &payload;
    context.session = session;
    context.pool = pool;
    context.tls = tls;
    context.rules = &rules;
    context.matcher = matcher.get();
    context.live = &live;
    context.live_phase = &live_run.begin_phase(phase.name);
    context.share = sharded.phases[phase_index++];
    context.stop = stop;
    context.start = Clock::now();
    if (phase.duration) context.deadline = context.start + *phase.duration;
    if (phase.rate_per_second || !phase.ramp.empty()) {
      std::vector<OpenLoopSchedule::Ramp> ramps;
      for (const auto& stage : phase.ramp) ramps.push_back({stage.to_per_second, stage.over});
      context.schedule.emplace(phase.rate_per_second.value_or(0), ramps);
    }
    result.phases.push_back(run_phase(context, options.threads).stats);
    live_run.end_phase();
  }
  if (progress) progress->stop();
  watch.finish();
  outcome.aborted_by = watch.aborted_by();
  outcome.aborted_at_s = watch.aborted_at_s();
  if (!outcome.aborted_by.empty()) {
    const auto& failed = outcome.aborted_by.front();
    result.stopped_by =
        fmt::format("abort_on_fail threshold '{}' failed at {:.1f} s (measured {:g})", failed.expr,
                    outcome.aborted_at_s, failed.measured);
  } else if (user_stop.load()) {
    result.stopped_by = "interrupted (SIGINT or SIGTERM)";
  }

  if (matcher) wait_for_stragglers(*matcher, scenario.events.grace, stop_requested, user_stop);
  if (result.stopped_by.empty() && user_stop.load()) {
    result.stopped_by = "interrupted while waiting for late events";
  }
  // The receivers stop before the count is taken: an event answered 200 after the summary would
  // be acknowledged but never counted (a late duplicate, say).
  if (webhook) webhook->stop();
  if (sqs) sqs->stop();
  if (matcher) {
    std::map<int, std::uint64_t> rejects;
    if (webhook) rejects = webhook->counters().rejects;
    result.events = events::to_event_stats(
        matcher->summarize(),
        scenario.events.source == scenario::EventSource::webhook ? "webhook" : "sqs", rejects);
    result.events.foreign = foreign_events.load();
  }
  if (user_stop.load()) stop_requested.store(true);

  if (scenario.setup.cleanup && !stop->load()) {
    const auto plan = plan_cleanup(scenario);
    for (const auto& refused : plan.refused) {
      fmt::print(stderr,
                 "cleanup: left {} alone: it starts with a variable, so its objects "
                 "cannot be told from others\n",
                 refused);
    }
    BlockingClient client(session, pool, tls, payload);
    run_cleanup(client, plan);
  }
  if (embedded) embedded->stop();
  if (metrics_server) metrics_server->stop();

  result.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  outcome.foreign_events = result.events.foreign;
  return outcome;
}

}  // namespace s3storm::engine
