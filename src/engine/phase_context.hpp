#pragma once

// What every worker of a phase shares: read-only settings and the few atomics that coordinate
// them (the iteration counter and the stop flag). Nothing here is touched per request: each worker
// records into its own share of `recorder`.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "engine/notification_rules.hpp"
#include "engine/open_loop_schedule.hpp"
#include "engine/prepared_step.hpp"
#include "engine/written_keys.hpp"
#include "events/matcher.hpp"
#include "http/connection_pool.hpp"
#include "http/sender.hpp"
#include "s3/payload.hpp"
#include "s3/session.hpp"
#include "scenario/model.hpp"
#include "scenario/shard.hpp"
#include "stats/phase_recorder.hpp"

namespace s3storm::engine {

using Clock = std::chrono::steady_clock;

struct PhaseContext;
// Makes one worker's transport to one endpoint on the worker's own io_context.
using SenderFactory = std::function<std::unique_ptr<http::Sender>(
    boost::asio::io_context&, const PhaseContext&, const http::Endpoint&)>;
// The production transport: a ConnectionPool to `endpoint` with `pool` and `tls`.
std::unique_ptr<http::Sender> make_pool_sender(boost::asio::io_context& io,
                                               const PhaseContext& context,
                                               const http::Endpoint& endpoint);

struct PhaseContext {
  const scenario::Scenario* scenario = nullptr;
  const PreparedPhase* phase = nullptr;
  const s3::Payload* payload = nullptr;
  s3::SessionConfig session;
  // target.endpoints: each worker keeps a pool and a session per endpoint, and an iteration goes
  // to lane_of's. Empty: one endpoint, session.endpoint.
  std::vector<http::Endpoint> endpoints;
  scenario::EndpointSpread spread = scenario::EndpointSpread::per_worker;
  http::PoolOptions pool;
  std::shared_ptr<boost::asio::ssl::context> tls;
  const NotificationRules* rules = nullptr;
  events::Matcher* matcher = nullptr;        // null when no events are checked
  WrittenKeys* written = nullptr;            // what delete_objects deletes; null when no step does
  stats::PhaseRecorder* recorder = nullptr;  // the phase's statistic; each worker adds its share
  // One per worker, made by prepare_workers before `start` (see there); run_phase makes them
  // itself when they were not.
  std::vector<stats::WorkerRecorder*> worker_recorders;
  const std::atomic<bool>* stop = nullptr;  // Ctrl-C or a failed abort_on_fail threshold

  // This run's part of the phase under --shard (the identity share when not sharded).
  scenario::PhaseShare share;
  // Open loop: the stride between one worker's starts, workers x shards (a worker takes every
  // stride-th start of the unsharded schedule).
  std::size_t workers = 1;
  Clock::time_point start;
  std::optional<Clock::time_point> deadline;      // start + duration
  std::optional<OpenLoopSchedule> schedule;       // open loop only
  std::chrono::milliseconds drain_timeout{5000};  // after a stop, before cutting requests
  // Each worker's transport. Unit tests put a fake here (tests/engine/fake_sender.hpp); the clocks
  // the workers read are `session.time`.
  SenderFactory make_sender = make_pool_sender;

  mutable std::atomic<std::uint64_t> next_iteration{0};  // closed loop: iterations handed out

  std::size_t lanes() const { return endpoints.empty() ? 1 : endpoints.size(); }
  // The endpoint (index into `endpoints`) of a flow slot's iteration.
  std::size_t lane_of(std::uint64_t flow_id, std::uint64_t iteration) const {
    const auto n = lanes();
    return (spread == scenario::EndpointSpread::per_worker ? flow_id : iteration) % n;
  }
};

}  // namespace s3storm::engine
