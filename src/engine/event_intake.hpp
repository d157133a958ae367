#pragma once

// Where a run's events come in and are judged: the matcher, the sink every source feeds (under
// --shard with the filter that leaves other shards' keys to them), and the one
// source the scenario names — the run's webhook, an SQS poller, or the local target's callback.
// After the load: wait out the grace period, stop the source, and count.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/local_target.hpp"
#include "events/matcher.hpp"
#include "events/webhook_receiver.hpp"
#include "scenario/model.hpp"
#include "scenario/shard.hpp"
#include "sigv4/credential_feed.hpp"
#include "sigv4/signer.hpp"
#include "stats/event_stats.hpp"

namespace s3storm::events {
class SqsPoller;
class AmqpConsumer;
}  // namespace s3storm::events

namespace s3storm::engine {

class EventIntake {
 public:
  // Nothing listens yet; throws UsageError for a source the scenario cannot have.
  EventIntake(const scenario::ShardedScenario& sharded, const scenario::ShardSpec& shard);
  ~EventIntake();
  EventIntake(const EventIntake&) = delete;
  EventIntake& operator=(const EventIntake&) = delete;

  bool checking() const { return matcher_ != nullptr; }
  events::Matcher* matcher() { return matcher_.get(); }
  const events::Matcher* matcher() const { return matcher_.get(); }
  std::chrono::steady_clock::duration grace() const { return scenario_.events.grace; }
  std::uint64_t foreign_events() const { return foreign_.load(std::memory_order_relaxed); }

  // What the local target hands its events to; empty when events are not checked.
  LocalEventSink local_sink();
  // Starts the webhook, SQS poller or AMQP consumer the scenario names (nothing for a local
  // target, which delivers through local_sink). Throws std::runtime_error when the webhook cannot
  // bind, SetupError naming the events.amqp field when the broker refuses.
  // `feed`, when set, has the credentials' refreshes (SQS polls as long as the run).
  void start_source(bool local_target, const sigv4::Credentials& credentials,
                    std::shared_ptr<const sigv4::CredentialFeed> feed = nullptr);
  // The run's webhook as the server should call it; empty without one.
  std::string webhook_url() const;

  // The load begins: events.outages are timed from here (a thread of their own stages them).
  void load_started();

  // Waits up to the grace period for the events still missing; returns early once none is, or
  // when either flag turns true (a failed abort_on_fail threshold, the user's Ctrl-C).
  void wait_for_stragglers(const std::atomic<bool>& stop, const std::atomic<int>& user_stop) const;
  // Stops the source (an event answered after the count would be acknowledged but never
  // counted), then counts.
  stats::EventStats finish();
  // What the matcher holds now (needs checking()), for a --metrics scrape: until finish(), an
  // arrival that waits for its operation is not yet called duplicate or unexpected.
  events::MatchSummary live_summary() const;

 private:
  const scenario::Scenario& scenario_;
  std::unique_ptr<events::Matcher> matcher_;
  events::NotificationSink sink_;
  std::atomic<std::uint64_t> foreign_{0};
  std::atomic<bool> finished_{false};
  std::unique_ptr<events::WebhookReceiver> webhook_;
  std::unique_ptr<events::SqsPoller> sqs_;
  std::unique_ptr<events::AmqpConsumer> amqp_;
  // events.outages: staged by outage_thread_ until they are over or finish() ends them.
  void stage_outages(std::chrono::steady_clock::time_point load_start);
  void stop_outages();
  std::thread outage_thread_;
  std::mutex outage_mutex_;
  std::condition_variable outage_cancel_;
  bool outages_cancelled_ = false;
};

}  // namespace s3storm::engine
