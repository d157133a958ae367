#include "target/event_dispatcher.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "http/connection_pool.hpp"
#include "http/endpoint.hpp"
#include "http/retry.hpp"
#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::target {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kOpen = "{\"Records\":[";
constexpr std::string_view kClose = "]}";
// A batch stops growing past this body size: the run's webhook refuses bodies over 1 MiB.
constexpr std::size_t kMaxBatchBody = 256 * 1024;
// What a queued message costs besides its characters (the string object in the deque).
constexpr std::size_t kEntryOverhead = sizeof(std::string);
// Messages handed to the sink per turn of the io thread, so that stop() is heard during a
// backlog.
constexpr std::size_t kSinkTurn = 1024;

std::size_t cost(const std::string& message) {
  return message.capacity() + kEntryOverhead;
}

}  // namespace

std::optional<std::string_view> records_of(std::string_view message) {
  if (message.size() <= kOpen.size() + kClose.size() || !message.starts_with(kOpen) ||
      !message.ends_with(kClose)) {
    return std::nullopt;
  }
  return message.substr(kOpen.size(), message.size() - kOpen.size() - kClose.size());
}

// One POST in flight at a time, on one connection of the pool (the pool holds as many as there
// are slots, so a slot's request never waits behind another's).
struct EventDispatcher::Slot {
  std::string body;
  http::Request request;
  std::unique_ptr<http::RetryingSender> sender;
  std::size_t records = 0;
};

EventDispatcher::EventDispatcher(DispatcherOptions options)
    : options_(std::move(options)), drain_timer_(io_), delay_timer_(io_) {
  options_.connections = std::max<std::size_t>(1, options_.connections);
  options_.batch = std::max<std::size_t>(1, options_.batch);
  if (options_.notify_url.empty()) {
    free_slots_ = SIZE_MAX;  // the sink alone: nothing is in flight
    return;
  }
  const std::string& url = options_.notify_url;
  auto split = split_http_url(url);
  if (split && split->https) split.reset();  // the dispatcher speaks no TLS
  if (!split) throw UsageError("--notify '" + url + "': expected an http:// URL");
  // A webhook has no default port worth guessing: ask for it, as before.
  if (!split->explicit_port) {
    throw UsageError("--notify '" + url + "': expected http://HOST:PORT/path");
  }
  target_ = split->target.empty() ? "/" : split->target;
  http::Endpoint endpoint;
  endpoint.host = split->host;
  endpoint.port = split->port;
  host_header_ = endpoint.host_header();

  http::PoolOptions pool;
  pool.max_connections = options_.connections;
  pool.connect_timeout = options_.request_timeout;
  pool.request_timeout = options_.request_timeout;
  pool.response_body_limit = 4096;  // a webhook's answer is not read, only its status
  try {
    pool_ = std::make_unique<http::ConnectionPool>(io_, endpoint, pool);
  } catch (const std::runtime_error& e) {
    throw UsageError("--notify '" + url + "': " + e.what());
  }
  http::RetryPolicy policy;
  policy.max_retries = std::max(0, options_.max_attempts - 1);
  policy.base_delay = options_.first_backoff;
  policy.max_delay = options_.max_backoff;
  for (std::size_t i = 0; i < options_.connections; ++i) {
    auto slot = std::make_unique<Slot>();
    // Any failure is worth another try (the receiver restarting, a 503, a refused connection),
    // but not the pool closing under it at the end of the drain.
    auto decide = [this](const http::Result& r) {
      const bool again = r.outcome != http::Outcome::kCancelled &&
                         (r.outcome != http::Outcome::kOk || r.response.status / 100 != 2);
      if (again) {
        std::lock_guard lock(mutex_);
        ++counters_.retries;
      }
      return again;
    };
    slot->sender = std::make_unique<http::RetryingSender>(*pool_, io_, policy,
                                                          http::make_uniform_source(i + 1), decide);
    slots_.push_back(std::move(slot));
  }
  free_slots_ = slots_.size();
}

EventDispatcher::~EventDispatcher() {
  stop();
}

void EventDispatcher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  finished_ = false;
  waiting_ = true;  // nothing queued yet: the first enqueue wakes the thread
  io_.restart();
  work_.emplace(io_.get_executor());
  asio::post(io_, [this] { pump(); });
  thread_ = std::thread([this] { io_.run(); });
}

void EventDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  asio::post(io_, [this] {
    {
      // A pump that ran between stopping_ and this may have finished already; a timer armed
      // now would hold the loop for the whole drain timeout.
      std::lock_guard lock(mutex_);
      if (finished_) return;
    }
    // Past the deadline whatever is left is abandoned: stop the loop where it stands.
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) io_.stop();
    });
    pump();
  });
  thread_.join();
  std::lock_guard lock(mutex_);
  if (!finished_) {
    // Stopped by the deadline: the POSTs in flight never got their answer.
    for (std::size_t i = 0; i < slots_.size(); ++i) counters_.abandoned += slots_[i]->records;
    for (auto& slot : slots_) slot->records = 0;
  }
  counters_.abandoned += queue_.size() + held_.size();
  queue_.clear();
  held_.clear();
  delay_armed_ = false;
  queued_bytes_ = 0;
  work_.reset();
}

void EventDispatcher::set_sink(EventSink sink) {
  std::lock_guard lock(mutex_);
  options_.sink = std::move(sink);
}

bool EventDispatcher::push_locked(std::string message_json) {
  const std::size_t bytes = cost(message_json);
  if (queued_bytes_ + bytes > options_.queue_limit_bytes) {
    ++counters_.dropped_full;
    return false;
  }
  ++counters_.enqueued;
  queued_bytes_ += bytes;
  counters_.queue_peak_bytes = std::max<std::uint64_t>(counters_.queue_peak_bytes, queued_bytes_);
  queue_.push_back(std::move(message_json));
  const bool wake = waiting_;
  waiting_ = false;
  return wake;
}

void EventDispatcher::enqueue(std::string message_json) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    wake = push_locked(std::move(message_json));
  }
  if (wake) asio::post(io_, [this] { pump(); });
}

void EventDispatcher::enqueue_after(std::string message_json, std::chrono::microseconds delay) {
  bool arm = false;
  {
    std::lock_guard lock(mutex_);
    // The due time is taken under the lock, so held_ stays sorted whatever the callers' threads.
    held_.emplace_back(std::chrono::steady_clock::now() + delay, std::move(message_json));
    arm = !delay_armed_;
    delay_armed_ = true;
  }
  if (arm) asio::post(io_, [this] { arm_delay_timer(); });
}

void EventDispatcher::arm_delay_timer() {
  std::chrono::steady_clock::time_point due;
  {
    std::lock_guard lock(mutex_);
    if (held_.empty()) {
      delay_armed_ = false;
      return;
    }
    due = held_.front().first;
  }
  delay_timer_.expires_at(due);
  delay_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) release_due_held();
  });
}

void EventDispatcher::release_due_held() {
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    while (!held_.empty() && held_.front().first <= now) {
      push_locked(std::move(held_.front().second));
      held_.pop_front();
    }
  }
  arm_delay_timer();  // for the next one held, if any
  pump();             // on the io thread already: no need to be woken
}

DispatcherCounters EventDispatcher::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

// On the io thread: hands queued messages to the sink, and fills every free slot with a POST of
// what is waiting (up to `batch` records). Runs after each enqueue that found the thread idle,
// after each POST's completion, and on stop.
void EventDispatcher::pump() {
  const bool webhook = pool_ != nullptr;
  for (std::size_t turn = 0;; ++turn) {
    Slot* slot = nullptr;
    EventSink sink;
    taken_.clear();
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty() || free_slots_ == 0) {
        // With a free slot, only an enqueue can give it work; without one, a completion will.
        waiting_ = free_slots_ > 0;
        break;
      }
      if (!webhook && turn == kSinkTurn) {
        asio::post(io_, [this] { pump(); });  // let a stop() or timer in between
        return;
      }
      sink = options_.sink;
      if (webhook) {
        for (auto& s : slots_) {
          if (s->records == 0) {
            slot = s.get();
            break;
          }
        }
        --free_slots_;
      }
      // One message, or as many whole-record messages as fit in a batch.
      std::size_t body = 0;
      do {
        std::string& next = queue_.front();
        if (!taken_.empty() && (!records_of(next) || body + next.size() > kMaxBatchBody)) break;
        body += next.size();
        queued_bytes_ -= cost(next);
        taken_.push_back(std::move(next));
        queue_.pop_front();
      } while (webhook && taken_.size() < options_.batch && !queue_.empty() &&
               records_of(taken_.front()));
    }

    bool sink_ok = true;
    if (sink) {
      for (const auto& message : taken_) {
        try {
          sink(message);
        } catch (const std::exception&) {
          sink_ok = false;  // the receiver's problem, counted as a failed delivery
        }
      }
    }
    if (!webhook) {
      std::lock_guard lock(mutex_);
      (sink_ok ? counters_.delivered : counters_.failed) += taken_.size();
      continue;
    }

    slot->records = taken_.size();
    if (taken_.size() == 1) {
      slot->body = std::move(taken_.front());
    } else {
      slot->body.assign(kOpen);
      for (std::size_t i = 0; i < taken_.size(); ++i) {
        if (i > 0) slot->body += ',';
        slot->body.append(*records_of(taken_[i]));
      }
      slot->body.append(kClose);
    }
    send(*slot);
  }
  finish_if_drained();
}

void EventDispatcher::send(Slot& slot) {
  auto& request = slot.request;
  request.head.clear();
  request.head.append("POST ").append(target_).append(" HTTP/1.1\r\nHost: ");
  request.head.append(host_header_);
  request.head.append(
      "\r\nContent-Type: application/json\r\nUser-Agent: s3storm-target\r\nContent-Length: ");
  request.head.append(std::to_string(slot.body.size())).append("\r\n\r\n");
  request.message.method(boost::beast::http::verb::post);
  request.message.body() = http::BodyView::value_type(slot.body.data(), slot.body.size());
  slot.sender->async_send(request, [this, &slot](http::Result& result) {
    on_sent(slot, result.outcome == http::Outcome::kOk && result.response.status / 100 == 2);
  });
}

void EventDispatcher::on_sent(Slot& slot, bool ok) {
  {
    std::lock_guard lock(mutex_);
    (ok ? counters_.delivered : counters_.failed) += slot.records;
    if (ok) ++counters_.posts;
    slot.records = 0;
    ++free_slots_;
  }
  pump();
}

// On the io thread, when stopping: once nothing is queued or in flight, lets io_.run() return.
void EventDispatcher::finish_if_drained() {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ || finished_ || !queue_.empty() || !held_.empty()) return;
    if (pool_ && free_slots_ != slots_.size()) return;
    finished_ = true;
  }
  drain_timer_.cancel();
  if (pool_) pool_->close();  // idle keep-alive connections would keep the loop running
  work_.reset();
}

}  // namespace s3storm::target
