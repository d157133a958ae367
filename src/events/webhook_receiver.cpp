#include "events/webhook_receiver.hpp"

#include <fmt/core.h>

#include "events/listen_address.hpp"
#include "http/server.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {

namespace {

// Compares without an early exit, so response timing does not reveal how much of a guess was right.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return difference == 0;
}

}  // namespace

NotificationSink matching_sink(Matcher& matcher) {
  return [&matcher](const Notification& notification, TimePoint arrival) {
    for (const auto& record : notification.records) matcher.observe(record, arrival);
    if (notification.test_events > 0) matcher.count_test_events(notification.test_events);
  };
}

WebhookReceiver::WebhookReceiver(WebhookOptions options, NotificationSink sink,
                                 SubscriptionConfirmer confirmer)
    : options_(std::move(options)), sink_(std::move(sink)), confirmer_(std::move(confirmer)) {
  const ListenAddress address = parse_listen_address(options_.listen, "events.listen");
  if (!address.is_loopback() && options_.auth_token.empty()) {
    throw UsageError(fmt::format(
        "events.listen \"{}\" is not a loopback address: set events.auth_token (--auth-token) so "
        "that only your notification sender is counted",
        options_.listen));
  }
  server_ = make_server(address.port);
}

std::unique_ptr<http::Server> WebhookReceiver::make_server(std::uint16_t port) {
  const ListenAddress address = parse_listen_address(options_.listen, "events.listen");
  http::ServerOptions server_options;
  server_options.address = address.host;
  server_options.port = port;
  server_options.threads = options_.threads;
  server_options.body_limit = options_.body_limit;
  server_options.header_timeout = options_.header_timeout;
  server_options.body_timeout = options_.body_timeout;
  return std::make_unique<http::Server>(
      server_options, [this](const http::ServerRequest& request, http::ServerResponse& response) {
        handle(request, response);
      });
}

void WebhookReceiver::set_outage(ReceiverOutage outage) {
  ReceiverOutage before;
  {
    std::lock_guard lock(outage_mutex_);
    before = outage_;
    outage_ = outage;
    outage_active_.store(outage != ReceiverOutage::kNone);
  }
  outage_over_.notify_all();
  if (outage == ReceiverOutage::kRefuse && before != ReceiverOutage::kRefuse) {
    std::lock_guard lock(server_mutex_);
    server_->stop();
  } else if (before == ReceiverOutage::kRefuse && outage != ReceiverOutage::kRefuse) {
    // A new listener on the same port: the stopped server keeps its counters for the totals.
    std::lock_guard lock(server_mutex_);
    const auto old = server_->counters();
    retired_.rejects[400] += old.rejected_bad_request;
    retired_.rejects[408] += old.rejected_timeout;
    retired_.rejects[413] += old.rejected_too_large;
    retired_.rejects[500] += old.handler_errors;
    server_ = make_server(bound_port_);
    server_->start();
  }
}

WebhookReceiver::~WebhookReceiver() {
  stop();
}

void WebhookReceiver::start() {
  std::lock_guard lock(server_mutex_);
  server_->start();
  bound_port_ = server_->port();
}
void WebhookReceiver::stop() {
  {
    std::lock_guard lock(outage_mutex_);
    stopping_ = true;
  }
  outage_over_.notify_all();  // a stalled delivery is let through, so the server can stop
  std::lock_guard lock(server_mutex_);
  server_->stop();
}
std::uint16_t WebhookReceiver::port() const {
  std::lock_guard lock(server_mutex_);
  return bound_port_ != 0 ? bound_port_ : server_->port();
}

WebhookCounters WebhookReceiver::counters() const {
  WebhookCounters out;
  out.deliveries = deliveries_.load();
  out.records = records_.load();
  out.test_events = test_events_.load();
  out.subscriptions_confirmed = confirmed_.load();
  out.subscriptions_unconfirmed = unconfirmed_.load();
  out.outage_refusals = outage_refusals_.load();
  {
    std::lock_guard lock(rejects_mutex_);
    out.rejects = rejects_;
  }
  // What the server refused before a request reached us.
  std::lock_guard lock(server_mutex_);
  for (const auto& [status, n] : retired_.rejects) {
    if (n > 0) out.rejects[status] += n;
  }
  const auto server = server_->counters();
  const auto add = [&out](int status, std::uint64_t n) {
    if (n > 0) out.rejects[status] += n;
  };
  add(400, server.rejected_bad_request);
  add(408, server.rejected_timeout);
  add(413, server.rejected_too_large);
  add(500, server.handler_errors);
  return out;
}

void WebhookReceiver::reject(http::ServerResponse& response, unsigned status, std::string message) {
  {
    std::lock_guard lock(rejects_mutex_);
    ++rejects_[static_cast<int>(status)];
  }
  response.status = status;
  response.set_header("Content-Type", "text/plain");
  response.body = std::move(message) + "\n";
}

bool WebhookReceiver::authorized(const http::ServerRequest& request) const {
  if (options_.auth_token.empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view given = request.header("Authorization");
  return given.substr(0, kScheme.size()) == kScheme &&
         same_secret(given.substr(kScheme.size()), options_.auth_token);
}

void WebhookReceiver::handle(const http::ServerRequest& request, http::ServerResponse& response) {
  if (outage_active_.load(std::memory_order_relaxed)) {
    std::unique_lock lock(outage_mutex_);
    if (outage_ == ReceiverOutage::k503 && !stopping_) {
      lock.unlock();
      ++outage_refusals_;
      response.status = 503;
      response.set_header("Retry-After", "1");
      return;
    }
    // Read, then held unanswered until the outage ends; then taken as any delivery.
    outage_over_.wait(lock, [this] { return outage_ != ReceiverOutage::kStall || stopping_; });
  }
  const TimePoint arrival = Clock::now();
  if (!authorized(request)) {
    response.set_header("WWW-Authenticate", "Bearer");
    return reject(response, 401, "missing or wrong bearer token");
  }
  // Senders probe the endpoint when a notification target is configured.
  if (request.method == "GET" || request.method == "HEAD") {
    response.status = 200;
    return;
  }
  if (request.method != "POST" && request.method != "PUT") {
    response.set_header("Allow", "POST, PUT, GET, HEAD");
    return reject(response, 405, "send events with POST");
  }

  // One per server thread, reused: its records keep their buffers from one delivery to the next.
  thread_local Notification notification;
  try {
    parse_notification(request.body, notification);
  } catch (const NotificationParseError& e) {
    return reject(response, 400, e.what());
  }

  if (!notification.subscribe_url.empty()) {
    if (options_.sns_confirm) {
      try {
        confirmer_(notification.subscribe_url);
        ++confirmed_;
      } catch (const std::exception& e) {
        ++unconfirmed_;
        fmt::print(stderr, "s3storm: could not confirm the SNS subscription: {}\n", e.what());
      }
    } else {
      ++unconfirmed_;
      fmt::print(stderr,
                 "s3storm: SNS subscription not confirmed (confirmation is off: visit its "
                 "SubscribeURL): {}\n",
                 notification.subscribe_url);
    }
  }

  sink_(notification, arrival);
  ++deliveries_;
  records_ += notification.records.size();
  test_events_ += notification.test_events;
  response.status = 200;
}

}  // namespace s3storm::events
