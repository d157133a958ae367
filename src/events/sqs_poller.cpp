#include "events/sqs_poller.hpp"

#include <fmt/core.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <optional>

#include "events/sqs_protocol.hpp"
#include "http/connection_pool.hpp"
#include "http/retry.hpp"
#include "http/tls.hpp"
#include "sigv4/crypto.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

std::uint64_t SqsCounters::receive_error_total() const {
  std::uint64_t total = 0;
  for (const auto& [code, n] : receive_errors) total += n;
  return total;
}

class SqsPoller::Shared {
 public:
  explicit Shared(NotificationSink sink) : sink_(std::move(sink)) {}

  void deliver(const Notification& notification, TimePoint arrival) {
    records_ += notification.records.size();
    test_events_ += notification.test_events;
    sink_(notification, arrival);
  }
  void count_received(std::uint64_t n) {
    ++receives_;
    messages_received_ += n;
  }
  void count_parse_failure() { ++parse_failures_; }
  void count_deleted(std::uint64_t n) { messages_deleted_ += n; }
  void count_receive_error(const std::string& code) {
    std::lock_guard lock(mutex_);
    ++receive_errors_[code];
  }
  void count_delete_failure(const std::string& code, std::uint64_t entries) {
    delete_failures_ += entries;
    std::lock_guard lock(mutex_);
    delete_errors_[code] += entries;
  }

  SqsCounters snapshot() const {
    SqsCounters out;
    out.receives = receives_.load();
    out.messages_received = messages_received_.load();
    out.records = records_.load();
    out.test_events = test_events_.load();
    out.parse_failures = parse_failures_.load();
    out.messages_deleted = messages_deleted_.load();
    out.delete_failures = delete_failures_.load();
    std::lock_guard lock(mutex_);
    out.receive_errors = receive_errors_;
    out.delete_errors = delete_errors_;
    return out;
  }

 private:
  NotificationSink sink_;
  std::atomic<std::uint64_t> receives_{0};
  std::atomic<std::uint64_t> messages_received_{0};
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> test_events_{0};
  std::atomic<std::uint64_t> parse_failures_{0};
  std::atomic<std::uint64_t> messages_deleted_{0};
  std::atomic<std::uint64_t> delete_failures_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> receive_errors_;
  std::map<std::string, std::uint64_t> delete_errors_;
};

// One poller thread. Receives and deletes use separate pools, so stop() can cut the long poll at
// once while the deletion of messages already delivered still finishes.
class SqsPoller::Loop {
 public:
  Loop(const SqsOptions& options, const SqsQueueAddress& address, const std::string& region,
       Shared& shared, std::uint64_t seed)
      : options_(options),
        address_(address),
        shared_(shared),
        receive_pool_(io_, address.connect, receive_pool_options(options), options.tls),
        delete_pool_(io_, address.connect, delete_pool_options(options), options.tls),
        signer_(options.credentials, region, "sqs"),
        backoff_timer_(io_),
        drain_timer_(io_),
        backoff_{0, options.backoff_base, options.backoff_max},
        uniform_(http::make_uniform_source(seed)) {
    write_receive_body(receive_body_, {address_.queue_url, options_.max_messages, options_.wait,
                                       options_.visibility});
  }

  void run() {
    asio::post(io_, [this] { receive(); });
    io_.run();
  }

  // From any thread.
  void request_stop() {
    asio::post(io_, [this] { stop_here(); });
  }

 private:
  static http::PoolOptions receive_pool_options(const SqsOptions& options) {
    http::PoolOptions pool;
    pool.max_connections = 1;
    pool.connect_timeout = options.connect_timeout;
    // The server holds a long poll open for `wait`; allow for it plus a slow answer.
    pool.request_timeout = options.wait + std::chrono::seconds(10);
    pool.idle_timeout = options.wait + std::chrono::seconds(30);
    pool.response_body_limit = 4 * 1024 * 1024;  // 10 messages of up to 256 KiB, JSON-escaped
    return pool;
  }
  static http::PoolOptions delete_pool_options(const SqsOptions& options) {
    http::PoolOptions pool;
    pool.max_connections = 1;
    pool.connect_timeout = options.connect_timeout;
    pool.request_timeout = std::chrono::seconds(10);
    return pool;
  }

  void sign(http::Request& request, std::string_view target, const std::string& body) {
    http::prepare_request(request, bhttp::verb::post, "/", address_.host_header, body);
    const std::string payload_hash = sigv4::sha256_hex(body);
    if (const auto& feed = options_.credential_feed;
        feed && feed->generation() != feed_generation_) {
      feed_generation_ = feed->generation();
      signer_.set_credentials(feed->current());
    }
    const sigv4::Header headers[] = {{"content-type", kSqsContentType},
                                     {"host", address_.host_header},
                                     {"x-amz-target", target}};
    const auto& signed_request =
        signer_.sign({"POST", "/", "", headers, payload_hash},
                     sigv4::AmzDate::from_time(std::chrono::system_clock::now()));
    auto& message = request.message;
    message.set(bhttp::field::content_type, kSqsContentType);
    message.set("x-amz-target", target);
    message.set("x-amz-date", signed_request.amz_date);
    message.set(bhttp::field::authorization, signed_request.authorization);
    if (!signed_request.security_token.empty()) {
      message.set("x-amz-security-token", signed_request.security_token);
    }
  }

  void receive() {
    if (stopping_) return;
    sign(receive_request_, kSqsReceiveTarget, receive_body_);
    receive_pool_.async_send(receive_request_, [this](http::Result& result) { received(result); });
  }

  void received(http::Result& result) {
    // A poll cut by stop() is not an error, and the server redelivers what it may have carried.
    // One that completed just before stop() is still delivered: those events did arrive.
    if (result.outcome == http::Outcome::kCancelled) return;
    if (stopping_ && (result.outcome != http::Outcome::kOk || result.response.status != 200))
      return;
    if (result.outcome != http::Outcome::kOk)
      return retry_later(std::string(to_string(result.outcome)));
    const auto& response = result.response;
    if (response.status != 200) {
      std::string_view query_error;
      if (response.headers != nullptr) query_error = (*response.headers)["x-amzn-query-error"];
      return retry_later(sqs_error_code(response.status, response.body, query_error));
    }
    std::vector<SqsMessage> messages;
    try {
      messages = parse_receive_response(response.body);
    } catch (const std::exception&) {
      return retry_later("bad_response");
    }
    failures_in_a_row_ = 0;
    const TimePoint arrival = result.timing.complete;
    shared_.count_received(messages.size());
    for (auto& message : messages) {
      try {
        shared_.deliver(parse_notification(message.body), arrival);
      } catch (const NotificationParseError&) {
        // Not an S3 notification: counted once and deleted, so it does not come back forever.
        shared_.count_parse_failure();
      }
      to_delete_.push_back(std::move(message.receipt_handle));
    }
    delete_some();
    receive();
  }

  void retry_later(const std::string& code) {
    shared_.count_receive_error(code);
    ++failures_in_a_row_;
    backoff_timer_.expires_after(backoff_.backoff(failures_in_a_row_, uniform_()));
    backoff_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) receive();
    });
  }

  void delete_some() {
    if (deleting_ || drained_) return;
    if (to_delete_.empty()) {
      if (stopping_) finish_drain();
      return;
    }
    const std::size_t n = std::min(kSqsMaxBatch, to_delete_.size());
    batch_.assign(std::make_move_iterator(to_delete_.begin()),
                  std::make_move_iterator(to_delete_.begin() + static_cast<std::ptrdiff_t>(n)));
    to_delete_.erase(to_delete_.begin(), to_delete_.begin() + static_cast<std::ptrdiff_t>(n));
    write_delete_batch_body(delete_body_, address_.queue_url, batch_);
    sign(delete_request_, kSqsDeleteBatchTarget, delete_body_);
    deleting_ = true;
    delete_pool_.async_send(delete_request_, [this](http::Result& result) { deleted(result); });
  }

  void deleted(http::Result& result) {
    deleting_ = false;
    if (result.outcome == http::Outcome::kCancelled) return;  // the drain ran out of time
    if (result.outcome != http::Outcome::kOk) {
      shared_.count_delete_failure(std::string(to_string(result.outcome)), batch_.size());
    } else if (result.response.status != 200) {
      shared_.count_delete_failure(sqs_error_code(result.response.status, result.response.body, {}),
                                   batch_.size());
    } else {
      try {
        const auto outcome = parse_delete_batch_response(result.response.body);
        shared_.count_deleted(outcome.deleted);
        for (const auto& code : outcome.failure_codes) shared_.count_delete_failure(code, 1);
      } catch (const std::exception&) {
        shared_.count_delete_failure("bad_response", batch_.size());
      }
    }
    delete_some();
  }

  void stop_here() {
    if (stopping_) return;
    stopping_ = true;
    receive_pool_.close();
    backoff_timer_.cancel();
    if (!deleting_ && to_delete_.empty()) return finish_drain();
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) finish_drain();
    });
  }

  void finish_drain() {
    drained_ = true;
    drain_timer_.cancel();
    delete_pool_.close();
  }

  const SqsOptions& options_;
  const SqsQueueAddress& address_;
  Shared& shared_;
  asio::io_context io_;
  http::ConnectionPool receive_pool_;
  http::ConnectionPool delete_pool_;
  sigv4::Signer signer_;
  std::uint64_t feed_generation_ = 0;
  asio::steady_timer backoff_timer_;
  asio::steady_timer drain_timer_;
  http::RetryPolicy backoff_;
  http::UniformSource uniform_;
  std::string receive_body_;
  std::string delete_body_;
  http::Request receive_request_;
  http::Request delete_request_;
  std::vector<std::string> to_delete_;
  std::vector<std::string> batch_;
  bool deleting_ = false;
  bool stopping_ = false;
  bool drained_ = false;  // the delete pool is closed: what is left is redelivered later
  int failures_in_a_row_ = 0;
};

SqsPoller::SqsPoller(SqsOptions options, NotificationSink sink)
    : options_(std::move(options)),
      address_(parse_sqs_queue_url(options_.queue_url)),
      region_(sqs_region(address_, options_.region)),
      shared_(std::make_shared<Shared>(std::move(sink))) {
  if (options_.pollers < 1 || options_.pollers > 64) {
    throw UsageError(fmt::format("SQS pollers must be 1..64, not {}", options_.pollers));
  }
  if (options_.wait.count() < 0 || options_.wait.count() > 20) {
    throw UsageError(fmt::format("SQS wait must be 0..20 s, not {} s", options_.wait.count()));
  }
  if (options_.visibility.count() < 0 || options_.visibility.count() > 43'200) {
    throw UsageError("SQS visibility timeout must be 0..43200 s");
  }
  if (options_.max_messages < 1 || options_.max_messages > 10) {
    throw UsageError("SQS max messages must be 1..10");
  }
  if (region_.empty()) throw UsageError("SQS: no region (set it, or use a sqs.REGION. URL)");
  if (address_.connect.scheme == http::Scheme::kHttps && !options_.tls) {
    options_.tls = http::make_client_tls_context({});
  }
}

SqsPoller::~SqsPoller() {
  stop();
}

void SqsPoller::start() {
  if (!loops_.empty()) return;
  // Pools resolve the host here, so a name that does not resolve fails start() at once.
  for (int i = 0; i < options_.pollers; ++i) {
    loops_.push_back(std::make_unique<Loop>(options_, address_, region_, *shared_,
                                            0x5157'0000ULL + static_cast<std::uint64_t>(i)));
  }
  for (auto& loop : loops_) threads_.emplace_back([l = loop.get()] { l->run(); });
}

void SqsPoller::stop() {
  for (auto& loop : loops_) loop->request_stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

SqsCounters SqsPoller::counters() const {
  return shared_->snapshot();
}

}  // namespace s3storm::events
