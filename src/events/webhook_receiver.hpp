#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "events/matcher.hpp"
#include "events/notification_parser.hpp"
#include "events/sns_subscription.hpp"

namespace s3storm::http {
class Server;
struct ServerRequest;
struct ServerResponse;
}  // namespace s3storm::http

namespace s3storm::events {

struct WebhookOptions {
  std::string listen = "127.0.0.1:9900";
  // When set, every request must carry "Authorization: Bearer <token>" (401 otherwise).
  std::string auth_token;
  // Confirm SNS subscriptions with the confirmer (off: the SubscribeURL is only reported).
  bool sns_confirm = true;
  std::uint64_t body_limit = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{10'000};
  unsigned threads = 1;
};

// Gets each accepted delivery, on a server thread, possibly several at once.
using NotificationSink = std::function<void(const Notification&, TimePoint arrival)>;
// Fetches an SNS SubscribeURL; throws on failure.
using SubscriptionConfirmer = std::function<void(const std::string& url)>;

// The sink for a run: every record goes to the matcher, test events are counted apart.
NotificationSink matching_sink(Matcher& matcher);

// How the receiver is unavailable during an outage staged on purpose (events.outages).
enum class ReceiverOutage {
  kNone,
  kRefuse,  // the listener is closed: connections are refused, open ones closed
  k503,     // every delivery is answered 503 and not counted
  kStall,   // deliveries are read but not answered until the outage ends, then taken as usual
};

struct WebhookCounters {
  std::uint64_t deliveries = 0;  // requests accepted (2xx)
  std::uint64_t records = 0;
  std::uint64_t test_events = 0;
  std::uint64_t subscriptions_confirmed = 0;
  std::uint64_t subscriptions_unconfirmed = 0;
  std::map<int, std::uint64_t> rejects;  // by HTTP status: 400, 401, 405, 408, 413, ...
  std::uint64_t outage_refusals = 0;     // deliveries answered 503 during a staged outage
};

// The events webhook: an HTTP server that takes S3 event notifications (see parse_notification)
// and passes them on. It answers as soon as the body is parsed, keeps connections alive, and
// refuses bad requests without stopping.
class WebhookReceiver {
 public:
  // Throws s3storm::UsageError for a bad address, or a non-loopback one without an auth token.
  // The confirmer is required, so no caller can forget it and leave sns_confirm doing nothing
  // (run did): the product passes confirm_by_fetching.
  WebhookReceiver(WebhookOptions options, NotificationSink sink, SubscriptionConfirmer confirmer);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  void start();  // throws std::runtime_error if the address cannot be bound
  void stop();

  std::uint16_t port() const;
  WebhookCounters counters() const;

  // Starts or ends a staged outage (kNone ends it). Refuse closes the listener and opens it again
  // on the same port at the end.
  void set_outage(ReceiverOutage outage);

 private:
  std::unique_ptr<http::Server> make_server(std::uint16_t port);
  void handle(const http::ServerRequest& request, http::ServerResponse& response);
  void reject(http::ServerResponse& response, unsigned status, std::string message);
  bool authorized(const http::ServerRequest& request) const;

  WebhookOptions options_;
  NotificationSink sink_;
  SubscriptionConfirmer confirmer_;
  mutable std::mutex server_mutex_;  // guards server_ and retired_, replaced by a refuse outage
  std::unique_ptr<http::Server> server_;
  std::uint16_t bound_port_ = 0;
  WebhookCounters retired_;  // what servers closed by a refuse outage had counted
  std::mutex outage_mutex_;
  std::condition_variable outage_over_;
  ReceiverOutage outage_ = ReceiverOutage::kNone;
  bool stopping_ = false;
  std::atomic<bool> outage_active_{false};  // so a delivery outside outages takes no lock
  std::atomic<std::uint64_t> outage_refusals_{0};
  std::atomic<std::uint64_t> deliveries_{0};
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> test_events_{0};
  std::atomic<std::uint64_t> confirmed_{0};
  std::atomic<std::uint64_t> unconfirmed_{0};
  mutable std::mutex rejects_mutex_;
  std::map<int, std::uint64_t> rejects_;
};

}  // namespace s3storm::events
