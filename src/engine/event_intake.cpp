#include "engine/event_intake.hpp"

#include <fmt/core.h>

#include <thread>

#include "engine/setup.hpp"
#include "events/amqp_consumer.hpp"
#include "events/event_stats_mapping.hpp"
#include "events/key_encoding.hpp"
#include "events/notification_parser.hpp"
#include "events/sns_subscription.hpp"
#include "events/sqs_poller.hpp"
#include "util/usage_error.hpp"

namespace s3storm::engine {

namespace {

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
      if (owner == Owner::kUnknown && events::may_be_encoded(record.key)) {
        if (const auto decoded = events::decode_event_key(record.key)) {
          owner = ownership->owner(record.bucket, *decoded);
        }
      }
      if (owner == Owner::kOtherShard) {
        foreign.fetch_add(1, std::memory_order_relaxed);
      } else {
        mine.records.push_back(record);
      }
    }
    if (!mine.records.empty()) next(mine, arrival);
  };
}

// The scenario field a broker's refusal is about.
std::string_view amqp_field(events::AmqpFailure failure) {
  switch (failure) {
    case events::AmqpFailure::kExchange:
      return "events.amqp.exchange";
    case events::AmqpFailure::kQueue:
      return "events.amqp.queue";
    case events::AmqpFailure::kTls:
      return "events.amqp.tls";
    default:
      return "events.amqp.url";
  }
}

std::string_view source_name(scenario::EventSource source) {
  switch (source) {
    case scenario::EventSource::kWebhook:
      return "webhook";
    case scenario::EventSource::kSqs:
      return "sqs";
    case scenario::EventSource::kAmqp:
      return "amqp";
    case scenario::EventSource::kNone:
      break;
  }
  return "none";
}

}  // namespace

EventIntake::EventIntake(const scenario::ShardedScenario& sharded, const scenario::ShardSpec& shard)
    : scenario_(sharded.scenario) {
  const auto source = scenario_.events.source;
  if (source == scenario::EventSource::kNone) return;
  if (source == scenario::EventSource::kSqs && scenario_.target.is_embedded()) {
    throw UsageError(
        "events.source: sqs needs a real endpoint: the embedded target hands its events to the run "
        "directly (use source: webhook with endpoint: embedded)");
  }
  if (source == scenario::EventSource::kAmqp && scenario_.target.is_embedded()) {
    throw UsageError(
        "events.source: amqp needs a real endpoint: the embedded target hands its events to the "
        "run directly (run 's3storm serve --notify amqp://...' and point the scenario at it)");
  }
  if (source == scenario::EventSource::kAmqp && shard.sharded() &&
      !scenario_.events.amqp.queue.empty()) {
    fmt::print(stderr,
               "s3storm: shard {}/{}: consumers of one named queue share its messages, so each "
               "shard needs its own queue, or none (a queue of the run's own; see "
               "docs/scenario.md)\n",
               shard.index, shard.count);
  }
  if (source == scenario::EventSource::kSqs && shard.sharded()) {
    // Not refused: a per-shard queue (--set events.sqs.queue_url=...) is the right setup, and
    // nothing here can tell whether the queues differ.
    fmt::print(stderr,
               "s3storm: shard {}/{}: the SQS poller deletes every message it reads, so each shard "
               "needs its own queue (see docs/sharding.md)\n",
               shard.index, shard.count);
  }
  matcher_ = std::make_unique<events::Matcher>(
      events::KeyForm::kAuto,
      std::chrono::duration_cast<std::chrono::milliseconds>(sharded.scenario.events.clock_skew),
      std::chrono::duration_cast<std::chrono::milliseconds>(sharded.scenario.events.dedup_window));
  sink_ = events::matching_sink(*matcher_);
  if (shard.sharded()) {
    sink_ = own_keys_only(std::move(sink_), std::make_shared<scenario::KeyOwnership>(sharded),
                          foreign_);
  }
}

EventIntake::~EventIntake() {
  stop_outages();
  if (webhook_) webhook_->stop();
  if (sqs_) sqs_->stop();
  if (amqp_) amqp_->stop();
}

LocalEventSink EventIntake::local_sink() {
  if (!matcher_) return {};
  return [this](std::string json) {
    const auto arrival = events::Clock::now();
    try {
      sink_(events::parse_notification(json), arrival);
    } catch (const events::NotificationParseError&) {
      // The local target writes what the parser reads; a mismatch would be our bug and shows up
      // as missing events, not as a crash.
    }
  };
}

void EventIntake::start_source(bool local_target, const sigv4::Credentials& credentials,
                               std::shared_ptr<const sigv4::CredentialFeed> feed) {
  if (local_target && !scenario_.events.outages.empty()) {
    throw UsageError(
        "events.outages: endpoint: embedded hands its events to the run in process, so there is "
        "no receiver to take down; run `s3storm serve --notify` and point the scenario at it");
  }
  if (!matcher_ || local_target) return;
  const auto& events = scenario_.events;
  if (events.source == scenario::EventSource::kSqs) {
    events::SqsOptions options;
    options.queue_url = events.sqs.queue_url;
    options.region = scenario_.target.region;
    options.credentials = credentials;
    options.credential_feed = std::move(feed);
    options.pollers = events.sqs.pollers;
    options.wait = std::chrono::duration_cast<std::chrono::seconds>(events.sqs.wait);
    sqs_ = std::make_unique<events::SqsPoller>(options, sink_);
    sqs_->start();
    return;
  }
  if (events.source == scenario::EventSource::kAmqp) {
    events::AmqpOptions options;
    options.url = events.amqp.url;
    options.exchange = events.amqp.exchange;
    options.routing_key = events.amqp.routing_key;
    options.queue = events.amqp.queue;
    options.prefetch = events.amqp.prefetch;
    options.consumers = events.amqp.consumers;
    options.declare = events.amqp.declare;
    options.max_rate = events.amqp.max_rate;
    options.connect.tls = {.verify = events.amqp.tls.verify, .ca_file = events.amqp.tls.ca_file};
    try {
      amqp_ = std::make_unique<events::AmqpConsumer>(options, sink_);
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("events.amqp.url: {}", e.what()));
    }
    try {
      amqp_->start();  // before any request to the target: a refusal costs no load
    } catch (const events::AmqpError& e) {
      const bool missing = e.failure() == events::AmqpFailure::kExchange && !options.declare;
      const char* hint = missing ? " (create it, or set events.amqp.declare: true)"
                         : e.failure() == events::AmqpFailure::kTls
                             ? " (events.amqp.tls.ca_file names the CA that signed the broker's "
                               "certificate)"
                             : "";
      throw SetupError(fmt::format("{}: {}{}", amqp_field(e.failure()), e.what(), hint));
    }
    return;
  }
  events::WebhookOptions options;
  options.listen = fmt::format("{}:{}", events.listen_host, events.listen_port);
  options.auth_token = events.auth_token;
  options.sns_confirm = events.sns_confirm;
  options.body_limit = events.max_body;
  webhook_ = std::make_unique<events::WebhookReceiver>(options, sink_, events::confirm_by_fetching);
  webhook_->start();
}

std::string EventIntake::webhook_url() const {
  if (!webhook_) return {};
  const auto& host = scenario_.events.listen_host;
  return host.find(':') == std::string::npos
             ? fmt::format("http://{}:{}/", host, webhook_->port())
             : fmt::format("http://[{}]:{}/", host, webhook_->port());
}

void EventIntake::wait_for_stragglers(const std::atomic<bool>& stop,
                                      const std::atomic<int>& user_stop) const {
  if (!matcher_) return;
  const auto deadline = std::chrono::steady_clock::now() + scenario_.events.grace;
  while (std::chrono::steady_clock::now() < deadline) {
    matcher_->settle(std::chrono::steady_clock::now());
    if (matcher_->missing_so_far() == 0 || stop.load() || user_stop.load() != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void EventIntake::load_started() {
  if (!webhook_ || scenario_.events.outages.empty() || outage_thread_.joinable()) return;
  const auto start = std::chrono::steady_clock::now();
  outage_thread_ = std::thread([this, start] { stage_outages(start); });
}

void EventIntake::stage_outages(std::chrono::steady_clock::time_point load_start) {
  std::unique_lock lock(outage_mutex_);
  for (const auto& outage : scenario_.events.outages) {
    const auto begin = load_start + outage.at;
    if (outage_cancel_.wait_until(lock, begin, [this] { return outages_cancelled_; })) return;
    const auto mode =
        outage.mode == scenario::Outage::Mode::kRefuse    ? events::ReceiverOutage::kRefuse
        : outage.mode == scenario::Outage::Mode::kHttp503 ? events::ReceiverOutage::k503
                                                          : events::ReceiverOutage::kStall;
    matcher_->outage_began(std::chrono::steady_clock::now());
    webhook_->set_outage(mode);
    outage_cancel_.wait_until(lock, begin + outage.length, [this] { return outages_cancelled_; });
    // The end is when deliveries can get through again.
    webhook_->set_outage(events::ReceiverOutage::kNone);
    matcher_->outage_ended(std::chrono::steady_clock::now());
    if (outages_cancelled_) return;
  }
}

void EventIntake::stop_outages() {
  {
    std::lock_guard lock(outage_mutex_);
    outages_cancelled_ = true;
  }
  outage_cancel_.notify_all();
  if (outage_thread_.joinable()) outage_thread_.join();
}

events::MatchSummary EventIntake::live_summary() const {
  return matcher_->summarize(finished_.load() ? events::Matcher::Moment::kFinal
                                              : events::Matcher::Moment::kMidRun);
}

stats::EventStats EventIntake::finish() {
  stop_outages();  // an outage still on ends here, so its counts are final
  if (webhook_) webhook_->stop();
  if (sqs_) sqs_->stop();
  if (amqp_) amqp_->stop();
  finished_.store(true);
  if (!matcher_) return {};
  std::map<int, std::uint64_t> rejects;
  if (webhook_) rejects = webhook_->counters().rejects;
  auto stats = events::to_event_stats(matcher_->summarize(),
                                      std::string(source_name(scenario_.events.source)), rejects);
  for (std::size_t i = 0; i < stats.outages.size() && i < scenario_.events.outages.size(); ++i) {
    const auto& staged = scenario_.events.outages[i];
    auto& outage = stats.outages[i];
    outage.mode = staged.mode == scenario::Outage::Mode::kRefuse    ? "refuse"
                  : staged.mode == scenario::Outage::Mode::kHttp503 ? "503"
                                                                    : "stall";
    outage.at_s = std::chrono::duration<double>(staged.at).count();
    outage.for_s = std::chrono::duration<double>(staged.length).count();
  }
  stats.foreign = foreign_.load();
  if (amqp_) {
    const auto counters = amqp_->counters();
    stats.reconnects = counters.reconnects;
    stats.redelivered = counters.redelivered;
  }
  return stats;
}

}  // namespace s3storm::engine
