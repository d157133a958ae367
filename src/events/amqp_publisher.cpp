#include "events/amqp_publisher.hpp"

#include <amqp.h>
#include <sys/time.h>

#include <algorithm>
#include <vector>

#include "events/amqp_c_args.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {

namespace {

// What a queued message costs besides its characters (the string object in the deque).
std::size_t cost(const std::string& message) {
  return message.size() + sizeof(std::string);
}

// Connected, the exchange there, and the channel in confirm mode.
std::unique_ptr<AmqpConnection> open_confirming(const AmqpAddress& address,
                                                const AmqpPublisherOptions& options) {
  auto connection = std::make_unique<AmqpConnection>(address, options.connect);
  connection->ensure_exchange(options.exchange, true);
  amqp_confirm_select(connection->state(), AmqpConnection::kChannel);
  connection->check_reply(AmqpFailure::kExchange, "turning on publisher confirms");
  return connection;
}

}  // namespace

AmqpPublisher::AmqpPublisher(AmqpPublisherOptions options) : options_(std::move(options)) {
  try {
    address_ = parse_amqp_url(options_.url);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  options_.batch = std::max<std::size_t>(1, options_.batch);
}

AmqpPublisher::~AmqpPublisher() {
  stop();
}

void AmqpPublisher::start() {
  if (thread_.joinable()) return;
  connection_ = open_confirming(address_, options_);
  thread_ = std::thread([this] { run(); });
}

void AmqpPublisher::enqueue(std::string message) {
  std::lock_guard lock(mutex_);
  ++counters_.enqueued;
  const std::size_t bytes = cost(message);
  if (stopping_ || queued_bytes_ + bytes > options_.queue_limit_bytes) {
    ++counters_.dropped_full;
    return;
  }
  queued_bytes_ += bytes;
  counters_.queue_peak_bytes = std::max<std::uint64_t>(counters_.queue_peak_bytes, queued_bytes_);
  queue_.push_back(std::move(message));
  if (queue_.size() == 1) wake_.notify_one();
}

void AmqpPublisher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + options_.drain_timeout;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

AmqpPublisherCounters AmqpPublisher::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void AmqpPublisher::run() {
  while (take_batch()) {
    if (!connection_ && !reconnect()) continue;
    publish_batch();
  }
  std::lock_guard lock(mutex_);
  counters_.abandoned += in_flight_.size() + queue_.size();
  in_flight_.clear();
  queue_.clear();
  queued_bytes_ = 0;
  connection_.reset();
}

// False when there is nothing more to do: stopped with nothing left, or out of drain time.
bool AmqpPublisher::take_batch() {
  std::unique_lock lock(mutex_);
  if (in_flight_.empty()) {
    wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return false;
    while (!queue_.empty() && in_flight_.size() < options_.batch) {
      queued_bytes_ -= cost(queue_.front());
      in_flight_.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  return !stopping_ || std::chrono::steady_clock::now() < drain_deadline_;
}

void AmqpPublisher::publish_batch() {
  auto* state = connection_->state();
  constexpr auto ch = AmqpConnection::kChannel;
  // 0: waiting, 1: confirmed, 2: refused (published again in the next batch).
  std::vector<char> verdict(in_flight_.size(), 0);
  // Keeps what the broker did not confirm for the next attempt, and counts the rest.
  const auto settle = [this, &verdict] {
    std::deque<std::string> again;
    for (std::size_t i = 0; i < in_flight_.size(); ++i) {
      if (verdict[i] != 1) again.push_back(std::move(in_flight_[i]));
    }
    std::lock_guard lock(mutex_);
    counters_.confirmed += in_flight_.size() - again.size();
    in_flight_ = std::move(again);
  };
  const auto broken = [this, &settle] {
    connection_->mark_broken();
    connection_.reset();
    settle();  // what was confirmed before the break is not published again
    std::lock_guard lock(mutex_);
    ++counters_.connection_errors;
  };
  amqp_basic_properties_t properties{};
  properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  properties.content_type = amqp_cstring_bytes("application/json");
  properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  const std::uint64_t first = next_tag_;
  const std::size_t n = in_flight_.size();
  for (const auto& message : in_flight_) {
    if (amqp_basic_publish(state, ch, bytes_of(options_.exchange), bytes_of(options_.routing_key),
                           0, 0, &properties, bytes_of(message)) != AMQP_STATUS_OK) {
      return broken();
    }
    ++next_tag_;
  }
  std::size_t decided = 0;
  const auto mark = [&](std::uint64_t tag, bool multiple, char value) {
    const std::uint64_t from = multiple ? first : tag;
    for (std::uint64_t t = std::max(from, first); t <= tag && t < first + n; ++t) {
      if (verdict[t - first] == 0) {
        verdict[t - first] = value;
        ++decided;
      }
    }
  };
  const auto deadline = std::chrono::steady_clock::now() + options_.confirm_timeout;
  while (decided < n) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return broken();
    timeval timeout{static_cast<time_t>(left.count() / 1'000'000),
                    static_cast<suseconds_t>(left.count() % 1'000'000)};
    amqp_frame_t frame;
    if (amqp_simple_wait_frame_noblock(state, &frame, &timeout) != AMQP_STATUS_OK) return broken();
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
        mark(ack->delivery_tag, ack->multiple != 0, 1);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
        mark(nack->delivery_tag, nack->multiple != 0, 2);
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        return broken();
      default:
        break;
    }
  }
  amqp_maybe_release_buffers(state);
  settle();
  std::lock_guard lock(mutex_);
  counters_.republished += in_flight_.size();  // the refused ones
}

bool AmqpPublisher::reconnect() {
  ++attempts_;
  const auto ceiling = std::min<std::int64_t>(
      options_.backoff_max.count(), options_.backoff_base.count() << std::min(attempts_, 20));
  {
    std::unique_lock lock(mutex_);
    // A stop does not cut the wait short: the drain keeps trying until its deadline.
    wake_.wait_for(lock, std::chrono::milliseconds(ceiling), [] { return false; });
  }
  try {
    connection_ = open_confirming(address_, options_);
  } catch (const AmqpError&) {
    std::lock_guard lock(mutex_);
    ++counters_.connection_errors;
    return false;
  }
  next_tag_ = 1;
  attempts_ = 0;
  std::lock_guard lock(mutex_);
  ++counters_.reconnects;
  counters_.republished += in_flight_.size();
  return true;
}

}  // namespace s3storm::events
