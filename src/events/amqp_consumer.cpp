#include "events/amqp_consumer.hpp"

#include <amqp.h>
#include <fmt/core.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <random>
#include <string_view>
#include <unordered_set>

#include "events/amqp_c_args.hpp"
#include "events/notification_parser.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {

namespace {

// A queue we name ourselves rather than the broker, so every consumer of this run (one per
// connection) reads the same one, and a reconnect finds it again with what it kept.
std::string run_queue_name() {
  std::random_device random;
  return fmt::format("s3storm.events.{}.{:08x}", ::getpid(), random());
}

// Left unused this long, a run's own queue is deleted by the broker: long enough to outlast a
// reconnect, short enough not to pile up after runs.
constexpr std::int32_t kRunQueueExpiryMs = 120'000;

std::string describe_failure(const amqp_rpc_reply_t& reply) {
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    return amqp_error_string2(reply.library_error);
  }
  return "closed by the broker";
}

}  // namespace

class AmqpConsumer::Shared {
 public:
  explicit Shared(NotificationSink sink) : sink_(std::move(sink)) {}

  void deliver(std::string_view body, bool redelivered, TimePoint arrival) {
    ++messages_;
    const std::size_t fingerprint = std::hash<std::string_view>{}(body);
    {
      std::lock_guard lock(mutex_);
      // Only a redelivery is looked up: the same body published twice by the server is its
      // duplicate, and the matcher counts it as such.
      if (redelivered && counted_.contains(fingerprint)) {
        ++redelivered_;
        return;
      }
    }
    Notification notification;
    try {
      notification = parse_notification(body);
    } catch (const NotificationParseError&) {
      ++parse_failures_;
      return;
    }
    {
      std::lock_guard lock(mutex_);
      counted_.insert(fingerprint);
    }
    records_ += notification.records.size();
    test_events_ += notification.test_events;
    sink_(notification, arrival);
  }

  void count_reconnect() { ++reconnects_; }
  void count_error(const std::string& reason) {
    std::lock_guard lock(mutex_);
    ++errors_[reason];
  }

  AmqpCounters snapshot() const {
    AmqpCounters out;
    out.messages = messages_.load();
    out.records = records_.load();
    out.test_events = test_events_.load();
    out.parse_failures = parse_failures_.load();
    out.redelivered = redelivered_.load();
    out.reconnects = reconnects_.load();
    std::lock_guard lock(mutex_);
    out.connection_errors = errors_;
    return out;
  }

 private:
  NotificationSink sink_;
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> test_events_{0};
  std::atomic<std::uint64_t> parse_failures_{0};
  std::atomic<std::uint64_t> redelivered_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  mutable std::mutex mutex_;
  std::unordered_set<std::size_t> counted_;  // fingerprints of the bodies handed to the sink
  std::map<std::string, std::uint64_t> errors_;
};

// One consumer thread and its connection.
class AmqpConsumer::Loop {
 public:
  Loop(const AmqpOptions& options, const AmqpAddress& address, const std::string& queue,
       Shared& shared, std::uint64_t seed)
      : options_(options),
        address_(address),
        queue_(queue),
        shared_(shared),
        ack_every_(static_cast<std::uint64_t>(std::clamp(options.prefetch / 2, 1, 256))),
        random_(seed) {}

  // Throws AmqpError.
  void connect() {
    auto connection = std::make_unique<AmqpConnection>(address_, options_.connect);
    connection->ensure_exchange(options_.exchange, options_.declare);
    auto* state = connection->state();
    constexpr auto ch = AmqpConnection::kChannel;
    const bool named = !options_.queue.empty();
    amqp_table_entry_t expiry;
    expiry.key = amqp_cstring_bytes("x-expires");
    expiry.value.kind = AMQP_FIELD_KIND_I32;
    expiry.value.value.i32 = kRunQueueExpiryMs;
    const amqp_table_t arguments = named ? amqp_empty_table : amqp_table_t{1, &expiry};
    amqp_queue_declare(state, ch, bytes_of(queue_), 0, named ? 1 : 0, 0, 0, arguments);
    connection->check_reply(AmqpFailure::kQueue, fmt::format("declaring queue '{}'", queue_));
    amqp_queue_bind(state, ch, bytes_of(queue_), bytes_of(options_.exchange),
                    bytes_of(options_.routing_key), amqp_empty_table);
    connection->check_reply(AmqpFailure::kQueue, fmt::format("binding queue '{}' to exchange '{}'",
                                                             queue_, options_.exchange));
    amqp_basic_qos(state, ch, 0, static_cast<std::uint16_t>(options_.prefetch), 0);
    connection->check_reply(AmqpFailure::kQueue, "setting the prefetch count");
    amqp_basic_consume(state, ch, bytes_of(queue_), amqp_empty_bytes, 0, 0 /* acknowledged */, 0,
                       amqp_empty_table);
    connection->check_reply(AmqpFailure::kQueue, fmt::format("consuming from '{}'", queue_));
    connection_ = std::move(connection);
    last_ack_ = std::chrono::steady_clock::now();
  }

  void run() {
    while (!stopping_.load(std::memory_order_relaxed)) {
      if (!connection_) {
        reconnect();
        continue;
      }
      consume_one();
    }
    if (connection_) acknowledge();
    connection_.reset();
  }

  void request_stop() { stopping_ = true; }

 private:
  void consume_one() {
    auto* state = connection_->state();
    amqp_maybe_release_buffers(state);
    timeval timeout = to_timeval(options_.poll);
    amqp_envelope_t envelope;
    const auto reply = amqp_consume_message(state, &envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
      const auto arrival = Clock::now();
      const auto& body = envelope.message.body;
      shared_.deliver({static_cast<const char*>(body.bytes), body.len}, envelope.redelivered != 0,
                      arrival);
      last_tag_ = envelope.delivery_tag;
      ++unacknowledged_;
      amqp_destroy_envelope(&envelope);
      if (unacknowledged_ >= ack_every_ ||
          std::chrono::steady_clock::now() - last_ack_ > options_.poll) {
        acknowledge();
      }
      if (options_.max_rate > 0) pace();
      return;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      acknowledge();  // a quiet moment: nothing counted waits for its acknowledgement
      return;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // A frame other than a delivery: a close or a cancel (the queue was deleted) ends this
      // connection; anything else is read and ignored.
      amqp_frame_t frame;
      timeval now{0, 0};
      if (amqp_simple_wait_frame_noblock(state, &frame, &now) == AMQP_STATUS_OK) {
        const bool ends = frame.frame_type == AMQP_FRAME_METHOD &&
                          (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
                           frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD ||
                           frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD);
        if (!ends) return;
      }
      return broken("closed by the broker");
    }
    broken(describe_failure(reply));
  }

  void acknowledge() {
    last_ack_ = std::chrono::steady_clock::now();
    if (unacknowledged_ == 0) return;
    unacknowledged_ = 0;
    if (amqp_basic_ack(connection_->state(), AmqpConnection::kChannel, last_tag_,
                       1 /* multiple */) != AMQP_STATUS_OK) {
      broken("acknowledgement failed");
    }
  }

  // What was counted but not acknowledged comes back flagged redelivered, and is recognised.
  void broken(const std::string& reason) {
    shared_.count_error(reason);
    connection_->mark_broken();
    connection_.reset();
    unacknowledged_ = 0;
  }

  void reconnect() {
    ++attempts_;
    const auto ceiling = std::min<std::int64_t>(
        options_.backoff_max.count(), options_.backoff_base.count() << std::min(attempts_, 20));
    std::uniform_int_distribution<std::int64_t> jitter(ceiling / 2, ceiling);
    if (!sleep_for(std::chrono::milliseconds(jitter(random_)))) return;
    try {
      connect();
      shared_.count_reconnect();
      attempts_ = 0;
    } catch (const AmqpError& e) {
      shared_.count_error(std::string("reconnect: ") + e.what());
    }
  }

  // Keeps to max_rate, never sleeping past a stop.
  void pace() {
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / options_.max_rate));
    next_slot_ = std::max(next_slot_ + interval, std::chrono::steady_clock::now());
    sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(
        next_slot_ - std::chrono::steady_clock::now()));
  }

  // False when stop() came first.
  bool sleep_for(std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!stopping_.load(std::memory_order_relaxed)) {
      const auto left = until - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) return true;
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
    }
    return false;
  }

  const AmqpOptions& options_;
  const AmqpAddress& address_;
  const std::string& queue_;
  Shared& shared_;
  const std::uint64_t ack_every_;
  std::mt19937_64 random_;
  std::unique_ptr<AmqpConnection> connection_;
  std::atomic<bool> stopping_{false};
  std::uint64_t last_tag_ = 0;
  std::uint64_t unacknowledged_ = 0;
  std::chrono::steady_clock::time_point last_ack_;
  std::chrono::steady_clock::time_point next_slot_;
  int attempts_ = 0;
};

AmqpConsumer::AmqpConsumer(AmqpOptions options, NotificationSink sink)
    : options_(std::move(options)), shared_(std::make_shared<Shared>(std::move(sink))) {
  try {
    address_ = parse_amqp_url(options_.url);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (options_.exchange.empty())
    throw UsageError("an exchange is needed (the one S3 publishes to)");
  if (options_.prefetch < 1 || options_.prefetch > 65535) {
    throw UsageError(fmt::format("prefetch must be 1..65535, not {}", options_.prefetch));
  }
  if (options_.consumers < 1 || options_.consumers > 64) {
    throw UsageError(fmt::format("consumers must be 1..64, not {}", options_.consumers));
  }
  if (options_.max_rate < 0) throw UsageError("max_rate must not be negative");
  queue_ = options_.queue.empty() ? run_queue_name() : options_.queue;
}

AmqpConsumer::~AmqpConsumer() {
  stop();
}

void AmqpConsumer::start() {
  if (!loops_.empty()) return;
  std::vector<std::unique_ptr<Loop>> loops;
  for (int i = 0; i < options_.consumers; ++i) {
    loops.push_back(std::make_unique<Loop>(options_, address_, queue_, *shared_,
                                           0xa3c9'0000ULL + static_cast<std::uint64_t>(i)));
    loops.back()->connect();  // a refusal leaves nothing running
  }
  loops_ = std::move(loops);
  for (auto& loop : loops_) threads_.emplace_back([l = loop.get()] { l->run(); });
}

void AmqpConsumer::stop() {
  for (auto& loop : loops_) loop->request_stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

AmqpCounters AmqpConsumer::counters() const {
  return shared_->snapshot();
}

}  // namespace s3storm::events
