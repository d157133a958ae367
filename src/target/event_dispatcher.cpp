#include "target/event_dispatcher.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::target {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// A blocking HTTP/1.1 client on the dispatcher's thread, keeping one connection alive between
// deliveries and reconnecting after any error.
class EventDispatcher::WebhookClient {
 public:
  explicit WebhookClient(const std::string& url) {
    auto split = split_http_url(url);
    if (split && split->https) split.reset();  // this client speaks no TLS
    if (!split) throw UsageError("--notify '" + url + "': expected an http:// URL");
    if (!split->explicit_port) {
      throw UsageError("--notify '" + url + "': expected http://HOST:PORT/path");
    }
    target_ = split->target.empty() ? "/" : split->target;
    host_header_ = split->host_header();
    host_ = split->host;
    port_ = std::to_string(split->port);
  }

  // True when the webhook answered 2xx.
  bool post(const std::string& body) {
    try {
      if (!stream_) connect();
      bhttp::request<bhttp::string_body> request{bhttp::verb::post, target_, 11};
      request.set(bhttp::field::host, host_header_);
      request.set(bhttp::field::content_type, "application/json");
      request.set(bhttp::field::user_agent, "s3storm-target");
      request.keep_alive(true);
      request.body() = body;
      request.prepare_payload();
      stream_->expires_after(std::chrono::seconds(5));
      bhttp::write(*stream_, request);
      bhttp::response<bhttp::string_body> response;
      bhttp::read(*stream_, buffer_, response);
      if (!response.keep_alive()) stream_.reset();
      return response.result_int() / 100 == 2;
    } catch (const std::exception&) {
      stream_.reset();
      return false;
    }
  }

 private:
  void connect() {
    asio::ip::tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(host_, port_);
    stream_.emplace(io_);
    stream_->expires_after(std::chrono::seconds(5));
    stream_->connect(endpoints);
    buffer_.clear();
  }

  std::string host_;
  std::string port_;
  std::string host_header_;
  std::string target_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

EventDispatcher::EventDispatcher(DispatcherOptions options) : options_(std::move(options)) {
  if (!options_.notify_url.empty()) {
    client_ = std::make_unique<WebhookClient>(options_.notify_url);
  }
}

EventDispatcher::~EventDispatcher() {
  stop();
}

void EventDispatcher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void EventDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + options_.drain_timeout;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mutex_);
  counters_.abandoned += queue_.size();
  queue_.clear();
}

void EventDispatcher::set_sink(EventSink sink) {
  std::lock_guard lock(mutex_);
  options_.sink = std::move(sink);
}

void EventDispatcher::enqueue(std::string message_json) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.queue_limit) {
      ++counters_.dropped_full;
      return;
    }
    ++counters_.enqueued;
    queue_.push_back(std::move(message_json));
  }
  wake_.notify_one();
}

DispatcherCounters EventDispatcher::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

bool EventDispatcher::deliver(const std::string& message) {
  EventSink sink;
  {
    std::lock_guard lock(mutex_);
    sink = options_.sink;
  }
  bool ok = true;
  if (sink) {
    try {
      sink(message);
    } catch (const std::exception&) {
      ok = false;  // the receiver's problem, counted as a failed delivery
    }
  }
  if (!client_) return ok;

  auto backoff = options_.first_backoff;
  for (int attempt = 1;; ++attempt) {
    if (client_->post(message)) return true;
    std::unique_lock lock(mutex_);
    if (attempt >= options_.max_attempts) return false;
    if (stopping_ && std::chrono::steady_clock::now() >= drain_deadline_) return false;
    ++counters_.retries;
    // Waits on the condition so that stop() is not held up by a long backoff.
    wake_.wait_for(lock, backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

void EventDispatcher::run() {
  for (;;) {
    std::string message;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      if (stopping_ && std::chrono::steady_clock::now() >= drain_deadline_) return;
      message = std::move(queue_.front());
      queue_.pop_front();
    }
    const bool ok = deliver(message);
    std::lock_guard lock(mutex_);
    ++(ok ? counters_.delivered : counters_.failed);
  }
}

}  // namespace s3storm::target
