#include <fmt/core.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "aws_config/credential_source.hpp"
#include "aws_config/refreshing_credentials.hpp"
#include "cli/aws_options.hpp"
#include "cli/commands.hpp"
#include "events/amqp_consumer.hpp"
#include "events/event_printer.hpp"
#include "events/sqs_poller.hpp"
#include "events/webhook_receiver.hpp"
#include "http/tls.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

struct ListenOptions {
  std::string listen = "127.0.0.1:9900";
  bool listen_given = false;
  std::string sqs_queue_url;
  std::string amqp_url;
  std::string exchange;
  std::string routing_key = "#";
  std::string queue;
  bool declare = false;
  std::string region;
  std::string profile;
  int pollers = 1;
  int wait_seconds = 20;
  std::string auth_token;
  bool sns_confirm = true;
};

// Prints each record as it arrives and keeps the per-type counts for the totals.
class EventLog {
 public:
  void print(const events::Notification& notification) {
    std::lock_guard lock(mutex_);
    const std::string now = events::local_timestamp_now();
    for (const auto& record : notification.records) {
      const std::string block = events::format_event(record, now);
      std::fwrite(block.data(), 1, block.size(), stdout);  // by size: no byte ends it early
      ++per_type_[record.name];
    }
    if (notification.test_events > 0) {
      fmt::print("\n{} S3 Test Event received\n", now);
      test_events_ += notification.test_events;
    }
    // One flush per delivery: a pipe reader (a log shipper, a test) sees events as they come.
    std::fflush(stdout);
  }

  void print_totals(std::uint64_t rejected) {
    std::lock_guard lock(mutex_);
    const std::string totals = events::format_totals(per_type_, test_events_, rejected);
    std::fwrite(totals.data(), 1, totals.size(), stdout);
    std::fflush(stdout);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::uint64_t> per_type_;
  std::uint64_t test_events_ = 0;
};

// Block the stop signals before any thread starts, so every thread inherits the mask and only
// the main thread's sigwait sees them.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

void print_sqs_totals(const events::SqsCounters& c) {
  std::string out = "\nSQS\n";
  const auto line = [&out](std::string_view name, std::uint64_t n) {
    out += fmt::format("  {:<40} {}\n", name, n);
  };
  line("messages received", c.messages_received);
  line("messages deleted", c.messages_deleted);
  line("delete failures", c.delete_failures);
  line("parse failures", c.parse_failures);
  line("receive errors", c.receive_error_total());
  for (const auto& [code, n] : c.receive_errors) line("  " + code, n);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

int run_listen_sqs(const ListenOptions& options) {
  if (options.listen_given) {
    throw UsageError("--sqs and --listen: choose one event source");
  }
  const auto aws = load_aws_config(options.profile);
  events::SqsOptions sqs;
  sqs.queue_url = options.sqs_queue_url;
  const auto region = aws.region();
  sqs.region = !options.region.empty() ? options.region : region ? region->value : "us-east-1";
  // Temporary credentials are refreshed for as long as listen runs.
  const aws_config::RefreshingCredentials credentials(aws_config::require_credential_source(aws));
  sqs.credentials = credentials.current();
  sqs.credential_feed = credentials.feed();
  if (const auto bundle = aws.ca_bundle(); bundle && sqs.queue_url.starts_with("https")) {
    sqs.tls = http::make_client_tls_context({true, bundle->value});
  }
  sqs.pollers = options.pollers;
  sqs.wait = std::chrono::seconds(options.wait_seconds);

  const sigset_t stop_signals = block_stop_signals();
  EventLog log;
  std::optional<events::SqsPoller> poller;
  try {
    poller.emplace(sqs, [&log](const events::Notification& n, events::TimePoint) { log.print(n); });
    poller->start();
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("--sqs: {}", e.what()));
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("--sqs {}: {}", options.sqs_queue_url, e.what()));
  }
  fmt::print(stderr,
             "s3storm listen: waiting for events from SQS queue {} (region {}, {} poller{}; "
             "Ctrl-C prints totals)\n",
             options.sqs_queue_url, poller->region(), options.pollers,
             options.pollers == 1 ? "" : "s");

  // Wake once a second to report new receive errors: bad credentials or a wrong queue URL
  // would otherwise look like a quiet queue.
  std::map<std::string, std::uint64_t> reported;
  const timespec second{1, 0};
  while (sigtimedwait(&stop_signals, nullptr, &second) < 0) {
    for (const auto& [code, n] : poller->counters().receive_errors) {
      if (reported[code] == n) continue;
      reported[code] = n;
      fmt::print(stderr, "s3storm listen: ReceiveMessage failed: {} ({} so far); retrying\n", code,
                 n);
    }
  }
  poller->stop();
  const auto counters = poller->counters();
  log.print_totals(0);
  print_sqs_totals(counters);
  return 0;
}

void print_amqp_totals(const events::AmqpCounters& c) {
  std::string out = "\nAMQP\n";
  const auto line = [&out](std::string_view name, std::uint64_t n) {
    out += fmt::format("  {:<40} {}\n", name, n);
  };
  line("messages received", c.messages);
  line("redelivered (already printed)", c.redelivered);
  line("parse failures", c.parse_failures);
  line("reconnects", c.reconnects);
  for (const auto& [reason, n] : c.connection_errors) line("  " + reason, n);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

int run_listen_amqp(const ListenOptions& options) {
  if (options.listen_given || !options.sqs_queue_url.empty()) {
    throw UsageError("--amqp, --sqs and --listen: choose one event source");
  }
  if (options.exchange.empty())
    throw UsageError("--amqp needs --exchange (the one S3 publishes to)");
  events::AmqpOptions amqp;
  amqp.url = options.amqp_url;
  amqp.exchange = options.exchange;
  amqp.routing_key = options.routing_key;
  amqp.queue = options.queue;
  amqp.declare = options.declare;

  const sigset_t stop_signals = block_stop_signals();
  EventLog log;
  std::optional<events::AmqpConsumer> consumer;
  try {
    consumer.emplace(amqp,
                     [&log](const events::Notification& n, events::TimePoint) { log.print(n); });
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("--amqp: {}", e.what()));  // not the URL: it has a password
  }
  try {
    consumer->start();
  } catch (const events::AmqpError& e) {
    const char* flag = e.failure() == events::AmqpFailure::kExchange ? "--exchange"
                       : e.failure() == events::AmqpFailure::kQueue  ? "--queue"
                                                                     : "--amqp";
    const bool missing = e.failure() == events::AmqpFailure::kExchange && !options.declare;
    const char* hint = missing ? " (create it, or pass --declare)"
                       : e.failure() == events::AmqpFailure::kTls
                           ? " (SSL_CERT_FILE names the CA that signed the broker's certificate)"
                           : "";
    throw UsageError(fmt::format("{}: {}{}", flag, e.what(), hint));
  }
  fmt::print(stderr,
             "s3storm listen: waiting for events from {} exchange {} (binding {}, queue {}; "
             "Ctrl-C prints totals)\n",
             consumer->address().redacted(), options.exchange, options.routing_key,
             consumer->queue());

  // Wake once a second to report connection trouble, which would otherwise look like quiet.
  std::map<std::string, std::uint64_t> reported;
  const timespec second{1, 0};
  while (sigtimedwait(&stop_signals, nullptr, &second) < 0) {
    for (const auto& [reason, n] : consumer->counters().connection_errors) {
      if (reported[reason] == n) continue;
      reported[reason] = n;
      fmt::print(stderr, "s3storm listen: AMQP connection: {} ({} so far); reconnecting\n", reason,
                 n);
    }
  }
  consumer->stop();
  log.print_totals(0);
  print_amqp_totals(consumer->counters());
  return 0;
}

int run_listen(const ListenOptions& options) {
  if (!options.amqp_url.empty()) return run_listen_amqp(options);
  if (!options.sqs_queue_url.empty()) return run_listen_sqs(options);
  const sigset_t stop_signals = block_stop_signals();

  EventLog log;
  events::WebhookOptions webhook;
  webhook.listen = options.listen;
  webhook.auth_token = options.auth_token;
  webhook.sns_confirm = options.sns_confirm;
  events::WebhookReceiver receiver(
      webhook, [&log](const events::Notification& n, events::TimePoint) { log.print(n); },
      events::confirm_by_fetching);
  try {
    receiver.start();
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("--listen {}: {}", options.listen, e.what()));
  }
  fmt::print(stderr, "s3storm listen: waiting for events on port {} of {} (Ctrl-C prints totals)\n",
             receiver.port(), options.listen);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  receiver.stop();
  std::uint64_t rejected = 0;
  for (const auto& [status, n] : receiver.counters().rejects) rejected += n;
  log.print_totals(rejected);
  return 0;
}

}  // namespace

void add_listen_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<ListenOptions>();
  auto* sub = app.add_subcommand(
      "listen", "Print bucket event notifications as they arrive; Ctrl-C prints the totals");
  sub->add_option("--listen", options->listen, "Webhook address HOST:PORT")->capture_default_str();
  auto* listen = sub->get_option("--listen");
  sub->add_option("--sqs", options->sqs_queue_url,
                  "Poll this SQS queue URL instead (ReceiveMessage, then DeleteMessageBatch)");
  sub->add_option("--amqp", options->amqp_url,
                  "Consume from an AMQP broker instead: amqp://USER:PASSWORD@HOST:PORT/VHOST "
                  "(the vhost / is %2f; amqps:// for TLS)");
  sub->add_option("--exchange", options->exchange,
                  "With --amqp: the topic exchange S3 publishes to");
  sub->add_option("--routing-key", options->routing_key, "With --amqp: the binding key")
      ->capture_default_str();
  sub->add_option("--queue", options->queue,
                  "With --amqp: a durable queue to read (default: one of this listener's, deleted "
                  "after it)");
  sub->add_flag("--declare", options->declare,
                "With --amqp: declare the exchange (durable topic) when it is missing");
  sub->add_option("--region", options->region,
                  "SQS region when the queue URL names none (default: AWS_REGION, profile, "
                  "us-east-1)");
  add_profile_option(sub, options->profile);
  sub->add_option("--pollers", options->pollers, "SQS pollers in parallel")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_option("--wait", options->wait_seconds, "SQS long-poll wait in seconds")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
  sub->add_option("--auth-token", options->auth_token,
                  "Require 'Authorization: Bearer TOKEN' (needed off loopback)");
  sub->add_flag("!--no-sns-confirm", options->sns_confirm,
                "Only print an SNS SubscribeURL instead of confirming the subscription");
  sub->callback([&action, options, listen] {
    options->listen_given = listen->count() > 0;
    action = [options] { return run_listen(*options); };
  });
}

}  // namespace s3storm::cli
