#pragma once

// One thread's share of a phase: its own io_context, connection pool, S3 session, flow slots and
// statistics. Closed loop: every slot runs iterations back to back. Open loop: starts follow the
// schedule (this worker takes every n-th start), and a start with no free slot is dropped and
// counted. A stop request drains: no new starts, in-flight requests get drain_timeout to finish,
// then whatever is left is cut.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/flow_runner.hpp"
#include "engine/phase_context.hpp"
#include "http/sender.hpp"
#include "s3/session.hpp"
#include "stats/phase_recorder.hpp"

namespace s3storm::engine {

class Worker {
 public:
  Worker(const PhaseContext& context, std::size_t index, std::size_t slots,
         std::uint64_t first_flow_id, stats::WorkerRecorder& recorder);

  // Blocks until this worker's share of the phase is over.
  void run();
  http::PoolStats pool_stats() const;

 private:
  void start_closed_loop();
  bool claim_iteration(std::uint64_t& iteration);
  void schedule_next_start();
  bool stop_if_out_of_time(std::uint64_t ordinal);
  static constexpr auto kLateStartGrace = std::chrono::seconds(1);
  std::uint64_t starts_due_from(std::uint64_t ordinal) const;
  void on_flow_finished(FlowRunner& flow);
  void watch_stop();
  void begin_drain();
  void finish_if_idle();

  const PhaseContext& context_;
  const std::size_t index_;
  // Only this worker's thread ever touches io_ (stop requests arrive through an atomic it
  // polls), so Asio's scheduler and reactor locks are switched off: about seven mutex
  // lock/unlock pairs per request.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
  // One pool and one session per endpoint (PhaseContext::endpoints), each lane's own.
  std::vector<std::unique_ptr<http::Sender>> senders_;
  std::vector<std::unique_ptr<s3::Session>> sessions_;
  s3::Session& session_;  // the first lane's: the worker's clocks
  stats::WorkerRecorder& recorder_;
  std::vector<std::unique_ptr<FlowRunner>> flows_;
  boost::asio::steady_timer schedule_timer_;
  boost::asio::steady_timer stop_timer_;
  boost::asio::steady_timer drain_timer_;
  std::uint64_t next_ordinal_ = 0;
  std::size_t posted_starts_ = 0;  // closed-loop restarts posted but not yet run
  bool scheduling_done_ = false;
  bool draining_ = false;
  bool finished_ = false;
};

}  // namespace s3storm::engine
