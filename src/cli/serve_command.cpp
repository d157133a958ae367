#include <fmt/core.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "events/amqp_publisher.hpp"
#include "scenario/units.hpp"
#include "target/embedded_target.hpp"
#include "target/fault_spec.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:9000";
  std::string notify;
  std::size_t notify_connections = 4;
  std::size_t notify_batch = 1;
  std::string notify_queue = "64MiB";
  std::string max_body = "64MiB";
  std::string max_unauthenticated_body = "8MiB";
  std::string body_budget = "256MiB";
  std::string notify_exchange = "s3events";
  std::string notify_routing_key = "s3storm";
  std::string access_key{target::kDefaultAccessKey};
  std::string secret_key{target::kDefaultSecretKey};
  bool discard = false;
  bool anonymous = false;
  std::vector<std::string> faults;
  std::uint64_t seed = 1;
  unsigned threads = 2;
  std::string region = "us-east-1";
};

bool is_amqp_url(const std::string& url) {
  return url.starts_with("amqp://") || url.starts_with("amqps://");
}

// --notify amqp://...: events go from the dispatcher's thread to a publisher with its own
// thread and connection. Connected before the target listens, so a refusal is exit 2.
std::unique_ptr<events::AmqpPublisher> start_publisher(const ServeFlags& flags,
                                                       std::size_t queue_bytes) {
  events::AmqpPublisherOptions options;
  options.url = flags.notify;
  options.exchange = flags.notify_exchange;
  options.routing_key = flags.notify_routing_key;
  options.queue_limit_bytes = queue_bytes;
  if (options.exchange.empty()) throw UsageError("--notify-exchange must not be empty");
  std::unique_ptr<events::AmqpPublisher> publisher;
  try {
    publisher = std::make_unique<events::AmqpPublisher>(options);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("--notify: {}", e.what()));  // not the URL: it has a password
  }
  try {
    publisher->start();
  } catch (const events::AmqpError& e) {
    throw UsageError(fmt::format("--notify {}: {}", publisher->address().redacted(), e.what()));
  }
  return publisher;
}

// A size flag's value ("64MiB"), more than zero; a UsageError naming the flag otherwise.
std::uint64_t positive_size(std::string_view flag, const std::string& text) {
  std::uint64_t bytes = 0;
  try {
    bytes = scenario::parse_size(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{} '{}': {}", flag, text, e.what()));
  }
  if (bytes == 0) throw UsageError(fmt::format("{} '{}': must be more than 0", flag, text));
  return bytes;
}

// The memory budget for request bodies (issue #18; docs/target.md, "Hostile clients").
void set_body_limits(const ServeFlags& flags, target::TargetOptions& options) {
  options.body_limit = positive_size("--max-body", flags.max_body);
  options.unauthenticated_body_limit =
      positive_size("--max-unauthenticated-body", flags.max_unauthenticated_body);
  options.body_budget = positive_size("--body-budget", flags.body_budget);
  if (options.body_budget < options.body_limit) {
    // Otherwise a body serve allows would be refused even with nothing else in flight.
    throw UsageError(fmt::format("--body-budget '{}' is smaller than --max-body '{}'",
                                 flags.body_budget, flags.max_body));
  }
}

// "127.0.0.1:9000" or "[::1]:9000" into address and port.
void split_listen(const std::string& listen, target::TargetOptions& options) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    throw UsageError("--listen '" + listen + "': expected HOST:PORT, e.g. 127.0.0.1:9000");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = listen.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoul(port) > 65535) {
    throw UsageError("--listen '" + listen + "': the port must be a number from 0 to 65535");
  }
  options.address = host;
  options.port = static_cast<std::uint16_t>(std::stoul(port));
}

int serve(const ServeFlags& flags) {
  target::TargetOptions options;
  split_listen(flags.listen, options);
  if (flags.access_key.empty() || flags.secret_key.empty()) {
    throw UsageError("--access-key and --secret-key must not be empty");
  }
  options.credentials = {{flags.access_key, flags.secret_key}};
  const bool amqp = is_amqp_url(flags.notify);
  options.notify_url = amqp ? "" : flags.notify;
  options.emit_unconfigured = amqp;  // as with a webhook --notify: every bucket notifies
  options.notify_connections = flags.notify_connections;
  options.notify_batch = flags.notify_batch;
  try {
    options.event_queue_bytes = scenario::parse_size(flags.notify_queue);
  } catch (const std::invalid_argument& e) {
    throw UsageError("--notify-queue '" + flags.notify_queue + "': " + e.what());
  }
  set_body_limits(flags, options);
  options.discard = flags.discard;
  options.anonymous = flags.anonymous;
  options.faults = target::parse_fault_specs(flags.faults);
  options.seed = flags.seed;
  options.threads = flags.threads;
  options.region = flags.region;

  // Block the stop signals before any thread starts, so every thread inherits the mask and only
  // sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<events::AmqpPublisher> publisher;
  if (amqp) publisher = start_publisher(flags, options.event_queue_bytes);
  target::EmbeddedTarget server;
  if (publisher) {
    server.set_event_sink(
        [p = publisher.get()](std::string message) { p->enqueue(std::move(message)); });
  }
  try {
    server.start(options);
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const UsageError*>(&e)) throw;
    throw UsageError("--listen '" + flags.listen + "': " + e.what());
  }
  // One parseable line on stdout (tests read the port from it); the rest goes to stderr.
  // --anonymous opens the server to anyone who can reach it, so it is said on that line and
  // again on stderr, where a log keeps it.
  constexpr std::string_view kAnonymousWarning =
      "WARNING: --anonymous: unsigned requests are accepted";
  const std::string destination =
      flags.notify.empty() ? ""
      : publisher ? fmt::format(", events to {} exchange {}", publisher->address().redacted(),
                                flags.notify_exchange)
                  : ", events to " + flags.notify;
  fmt::print("s3storm serve: listening on {} (access key {}{}{}){}{}\n", server.endpoint(),
             flags.access_key, destination, flags.discard ? ", discarding bodies" : "",
             flags.anonymous ? " " : "", flags.anonymous ? kAnonymousWarning : "");
  std::fflush(stdout);
  if (flags.anonymous) fmt::print(stderr, "s3storm serve: {}\n", kAnonymousWarning);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.stop();
  const auto counters = server.counters();
  // Every emitted event is accounted for: delivered, failed (retries exhausted), lost to a full
  // queue, abandoned at stop, or dropped by an event-drop fault.
  fmt::print(
      stderr,
      "s3storm serve: stopped: {} requests, {} errors, injected {} SlowDown / {} resets / "
      "{} delays / {} corrupted bodies; events {} emitted, {} delivered, {} failed, {} dropped by "
      "fault, {} "
      "duplicated by fault, {} corrupted by fault, {} reordered by fault, {} delayed by fault, "
      "{} lost (queue full), {} abandoned; "
      "{} POSTs, {} retries, queue peak {} bytes; bodies: {} refused from the header, {} too "
      "large, {} over the body budget, peak {} bytes in flight\n",
      counters.requests, counters.errors, counters.injected_slow_down, counters.injected_resets,
      counters.injected_delays, counters.injected_body_corruptions, counters.events_emitted,
      counters.delivery.delivered, counters.delivery.failed, counters.events_dropped_by_fault,
      counters.events_duplicated_by_fault, counters.events_corrupted_by_fault,
      counters.events_reordered_by_fault, counters.events_delayed_by_fault,
      counters.delivery.dropped_full, counters.delivery.abandoned, counters.delivery.posts,
      counters.delivery.retries, counters.delivery.queue_peak_bytes, counters.refused_at_header,
      counters.rejected_too_large, counters.rejected_over_budget, counters.body_bytes_peak);
  if (publisher) {
    publisher->stop();
    const auto published = publisher->counters();
    fmt::print(stderr,
               "s3storm serve: AMQP: {} enqueued, {} confirmed, {} published again, {} lost "
               "(queue full), {} abandoned, {} reconnects, {} connection errors, queue peak {} "
               "bytes\n",
               published.enqueued, published.confirmed, published.republished,
               published.dropped_full, published.abandoned, published.reconnects,
               published.connection_errors, published.queue_peak_bytes);
  }
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ServeFlags>();
  auto* sub = app.add_subcommand(
      "serve",
      "Serve the embedded in-memory S3 target (SigV4/SigV2-checked, with event notifications)");
  sub->add_option("--listen", flags->listen, "Address to listen on, HOST:PORT (port 0: any free)")
      ->capture_default_str();
  sub->add_option("--notify", flags->notify,
                  "POST every event to this webhook URL (http://HOST:PORT/path), or publish it to "
                  "an AMQP broker (amqp://USER:PASSWORD@HOST:PORT/VHOST, see --notify-exchange); "
                  "buckets without a notification configuration then emit all their events too");
  sub->add_option("--notify-exchange", flags->notify_exchange,
                  "With an amqp:// --notify: the topic exchange to publish to (declared durable "
                  "when missing)")
      ->capture_default_str();
  sub->add_option("--notify-routing-key", flags->notify_routing_key,
                  "With an amqp:// --notify: the routing key of every event message")
      ->capture_default_str();
  sub->add_option("--notify-connections", flags->notify_connections,
                  "Event POSTs in flight to --notify, one keep-alive connection each")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64}))
      ->capture_default_str();
  sub->add_option("--notify-batch", flags->notify_batch,
                  "Records per event POST at most; 1 is what S3 sends, more only when events "
                  "are already waiting (the receiver must read every record of Records)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))
      ->capture_default_str();
  sub->add_option("--notify-queue", flags->notify_queue,
                  "Bytes of events waiting for delivery at most (e.g. 64MiB); past it new events "
                  "are lost and counted at exit")
      ->capture_default_str();
  sub->add_option("--max-body", flags->max_body,
                  "Largest request body (e.g. 64MiB); a larger one is refused with 413")
      ->capture_default_str();
  sub->add_option("--max-unauthenticated-body", flags->max_unauthenticated_body,
                  "Largest body read before the request is authenticated: a browser-form POST "
                  "(its signature is in the body) or an --anonymous request")
      ->capture_default_str();
  sub->add_option("--body-budget", flags->body_budget,
                  "Bytes of request bodies being received at once, over all connections; a "
                  "request past it gets 503 SlowDown (at least --max-body)")
      ->capture_default_str();
  sub->add_option("--access-key", flags->access_key, "Access key id clients sign with")
      ->capture_default_str();
  sub->add_option("--secret-key", flags->secret_key,
                  "Secret access key (default s3storm-secret; never printed)");
  sub->add_flag("--discard", flags->discard, "Keep object metadata only, not the bytes");
  sub->add_flag("--anonymous", flags->anonymous,
                "Also serve unsigned requests (no Authorization, no signature in the URL, a form "
                "POST without policy and signature), as a public bucket would; signed requests "
                "are still verified. Off by default");
  sub->add_option(
      "--fault", flags->faults,
      "Inject a fault, repeatable: 503:P, reset:P, delay:5ms[:P], capacity:N (requests/s), "
      "event-drop:P, event-dup:P, event-corrupt:P, event-reorder:P, event-delay:D[:P], "
      "body-corrupt:P");
  sub->add_option("--seed", flags->seed, "Seed of the fault dice")->capture_default_str();
  sub->add_option("--threads", flags->threads, "Server threads")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  sub->add_option("--region", flags->region, "Region reported in event records")
      ->capture_default_str();
  sub->callback([&action, flags] { action = [flags] { return serve(*flags); }; });
}

}  // namespace s3storm::cli
