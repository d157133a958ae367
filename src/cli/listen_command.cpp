#include <fmt/core.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "cli/commands.hpp"
#include "events/event_printer.hpp"
#include "events/webhook_receiver.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

struct ListenOptions {
  std::string listen = "127.0.0.1:9900";
  std::string sqs_queue_url;
  std::string auth_token;
};

// Prints each record as it arrives and keeps the per-type counts for the totals.
class EventLog {
 public:
  void print(const events::Notification& notification) {
    std::lock_guard lock(mutex_);
    const std::string now = events::local_timestamp_now();
    for (const auto& record : notification.records) {
      std::fputs(events::format_event(record, now).c_str(), stdout);
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
    std::fputs(events::format_totals(per_type_, test_events_, rejected).c_str(), stdout);
    std::fflush(stdout);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::uint64_t> per_type_;
  std::uint64_t test_events_ = 0;
};

int run_listen(const ListenOptions& options) {
  if (!options.sqs_queue_url.empty()) {
    throw UsageError("--sqs: the SQS poller is not built yet; use the webhook (--listen)");
  }
  // Block the stop signals before any thread starts, so every thread inherits the mask and only
  // sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  EventLog log;
  events::WebhookOptions webhook;
  webhook.listen = options.listen;
  webhook.auth_token = options.auth_token;
  events::WebhookReceiver receiver(
      webhook, [&log](const events::Notification& n, events::TimePoint) { log.print(n); });
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
  sub->add_option("--sqs", options->sqs_queue_url, "Poll this SQS queue URL instead");
  sub->add_option("--auth-token", options->auth_token,
                  "Require 'Authorization: Bearer TOKEN' (needed off loopback)");
  sub->callback([&action, options] { action = [options] { return run_listen(*options); }; });
}

}  // namespace s3storm::cli
