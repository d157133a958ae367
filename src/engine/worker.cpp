#include "engine/worker.hpp"

#include <boost/asio/post.hpp>

#include "http/connection_pool.hpp"

namespace s3storm::engine {

namespace {
constexpr std::chrono::milliseconds kStopPollInterval{50};
}

std::unique_ptr<http::Sender> make_pool_sender(boost::asio::io_context& io,
                                               const PhaseContext& context,
                                               const http::Endpoint& endpoint) {
  return std::make_unique<http::ConnectionPool>(io, endpoint, context.pool, context.tls);
}

namespace {

std::vector<std::unique_ptr<http::Sender>> make_senders(boost::asio::io_context& io,
                                                        const PhaseContext& context) {
  std::vector<std::unique_ptr<http::Sender>> out;
  if (context.endpoints.empty()) {
    out.push_back(context.make_sender(io, context, context.session.endpoint));
  }
  for (const auto& endpoint : context.endpoints) {
    out.push_back(context.make_sender(io, context, endpoint));
  }
  return out;
}

std::vector<std::unique_ptr<s3::Session>> make_sessions(
    boost::asio::io_context& io, const PhaseContext& context,
    const std::vector<std::unique_ptr<http::Sender>>& senders, std::size_t index) {
  std::vector<std::unique_ptr<s3::Session>> out;
  for (std::size_t lane = 0; lane < senders.size(); ++lane) {
    auto config = context.session;
    if (!context.endpoints.empty()) config.endpoint = context.endpoints[lane];
    out.push_back(std::make_unique<s3::Session>(
        io, *senders[lane], std::move(config), *context.payload,
        context.scenario->seed ^ (0x9e3779b97f4a7c15ull * (index + 1))));
  }
  return out;
}

}  // namespace

Worker::Worker(const PhaseContext& context, std::size_t index, std::size_t slots,
               std::uint64_t first_flow_id, stats::WorkerRecorder& recorder)
    : context_(context),
      index_(index),
      senders_(make_senders(io_, context)),
      sessions_(make_sessions(io_, context, senders_, index)),
      session_(*sessions_.front()),
      recorder_(recorder),
      schedule_timer_(io_),
      stop_timer_(io_),
      drain_timer_(io_),
      next_ordinal_(index) {
  std::vector<s3::Session*> lanes;
  for (auto& session : sessions_) lanes.push_back(session.get());
  for (std::size_t i = 0; i < slots; ++i) {
    flows_.push_back(
        std::make_unique<FlowRunner>(context_, io_, lanes, recorder_, first_flow_id + i));
  }
}

http::PoolStats Worker::pool_stats() const {
  http::PoolStats sum;
  for (const auto& sender : senders_) {
    const auto stats = sender->stats();
    sum.requests += stats.requests;
    sum.connections_opened += stats.connections_opened;
    sum.connections_closed += stats.connections_closed;
    sum.reused += stats.reused;
    sum.stale_retries += stats.stale_retries;
    sum.queued += stats.queued;
  }
  return sum;
}

void Worker::run() {
  if (context_.schedule) {
    schedule_next_start();
  } else {
    start_closed_loop();
  }
  watch_stop();
  finish_if_idle();
  io_.run();
  recorder_.own().duration_s =
      std::chrono::duration<double>(session_.time().steady() - context_.start).count();
}

bool Worker::claim_iteration(std::uint64_t& iteration) {
  if (scheduling_done_ || context_.stop->load(std::memory_order_relaxed)) return false;
  if (context_.deadline && session_.time().steady() >= *context_.deadline) return false;
  iteration = context_.next_iteration.fetch_add(1, std::memory_order_relaxed);
  const auto& limit = context_.phase->phase->iterations;
  return !limit || iteration < *limit;
}

void Worker::start_closed_loop() {
  for (auto& flow : flows_) {
    std::uint64_t iteration = 0;
    if (!claim_iteration(iteration)) {
      scheduling_done_ = true;
      break;
    }
    flow->start(iteration, session_.time().steady(),
                [this](FlowRunner& f) { on_flow_finished(f); });
  }
}

void Worker::schedule_next_start() {
  const std::uint64_t ordinal = next_ordinal_;
  next_ordinal_ += context_.workers;
  const auto& limit = context_.phase->phase->iterations;
  const auto offset = context_.schedule->offset_of(ordinal);
  if ((limit && ordinal >= *limit) || !offset ||
      (context_.deadline && context_.start + *offset >= *context_.deadline)) {
    scheduling_done_ = true;
    return finish_if_idle();
  }
  if (stop_if_out_of_time(ordinal)) return;
  const Clock::time_point intended = context_.start + *offset;
  schedule_timer_.expires_at(intended);
  schedule_timer_.async_wait([this, ordinal, intended](boost::system::error_code ec) {
    if (ec || scheduling_done_ || stop_if_out_of_time(ordinal)) return;
    FlowRunner* idle = nullptr;
    for (auto& flow : flows_) {
      if (!flow->busy()) {
        idle = flow.get();
        break;
      }
    }
    if (idle != nullptr) {
      idle->start(ordinal, intended, [this](FlowRunner& f) { on_flow_finished(f); });
    } else {
      ++recorder_.own()
            .dropped;  // every slot still busy: the target could not keep up with the rate
    }
    schedule_next_start();
  });
}

// A generator that fell behind its schedule (no CPU to spare) must not run past the phase's end
// making up for the starts it owes: those still due when the time is up were never offered, so they
// count as dropped, like starts that found every slot busy. A start due before the end whose timer
// fires a little after it is the scheduler's jitter, not a generator out of CPU, so it still goes
// out within kLateStartGrace (otherwise a capacity-search probe would fail on one late timer).
bool Worker::stop_if_out_of_time(std::uint64_t ordinal) {
  if (!context_.deadline || session_.time().steady() < *context_.deadline + kLateStartGrace) {
    return false;
  }
  recorder_.own().dropped += starts_due_from(ordinal);
  scheduling_done_ = true;
  finish_if_idle();
  return true;
}

// This worker's starts from `ordinal` on that the schedule puts before the phase's deadline.
std::uint64_t Worker::starts_due_from(std::uint64_t ordinal) const {
  const auto& limit = context_.phase->phase->iterations;
  std::uint64_t due = 0;
  for (std::uint64_t next = ordinal;; next += context_.workers, ++due) {
    const auto offset = context_.schedule->offset_of(next);
    if ((limit && next >= *limit) || !offset || context_.start + *offset >= *context_.deadline) {
      return due;
    }
  }
}

void Worker::on_flow_finished(FlowRunner& flow) {
  if (!context_.schedule && !draining_) {
    std::uint64_t iteration = 0;
    if (claim_iteration(iteration)) {
      // Posted, so a run of iterations that end at once cannot nest on the stack. Until it runs
      // the slot looks idle, so it is counted: the worker must not finish (and close its pool)
      // under a start that is already decided.
      ++posted_starts_;
      boost::asio::post(io_, [this, &flow, iteration] {
        --posted_starts_;
        flow.start(iteration, session_.time().steady(),
                   [this](FlowRunner& f) { on_flow_finished(f); });
      });
      return;
    }
    scheduling_done_ = true;
  }
  finish_if_idle();
}

void Worker::watch_stop() {
  stop_timer_.expires_after(kStopPollInterval);
  stop_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || finished_) return;
    if (context_.stop->load(std::memory_order_relaxed)) return begin_drain();
    watch_stop();
  });
}

void Worker::begin_drain() {
  draining_ = true;
  scheduling_done_ = true;
  schedule_timer_.cancel();
  for (auto& flow : flows_) flow->request_stop();
  drain_timer_.expires_after(context_.drain_timeout);
  drain_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    for (auto& sender : senders_) sender->close();  // what is still out is cut (cancelled)
  });
  finish_if_idle();
}

void Worker::finish_if_idle() {
  if (finished_ || !scheduling_done_ || posted_starts_ > 0) return;
  for (const auto& flow : flows_) {
    if (flow->busy()) return;
  }
  finished_ = true;
  schedule_timer_.cancel();
  stop_timer_.cancel();
  drain_timer_.cancel();
  for (auto& sender : senders_) sender->close();
}

}  // namespace s3storm::engine
