#include "engine/phase_runner.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/worker.hpp"

namespace s3storm::engine {

namespace {

std::size_t concurrency_of(const PhaseContext& context) {
  return static_cast<std::size_t>(std::max(1, context.phase->phase->concurrency));
}

std::size_t workers_of(const PhaseContext& context, std::size_t threads) {
  return std::clamp<std::size_t>(threads, 1, concurrency_of(context));
}

}  // namespace

void prepare_workers(PhaseContext& context, std::size_t threads) {
  const std::size_t workers = workers_of(context, threads);
  // Per endpoint only with several (target.endpoints); the recorder sizes its list once.
  const auto endpoint_urls =
      context.endpoints.empty() ? std::vector<std::string>{} : context.scenario->target.endpoints;
  while (context.worker_recorders.size() < workers) {
    context.worker_recorders.push_back(&context.recorder->add_worker(endpoint_urls));
  }
}

PhaseOutcome run_phase(PhaseContext& context, std::size_t threads) {
  const auto concurrency = concurrency_of(context);
  const std::size_t workers = workers_of(context, threads);
  prepare_workers(context, threads);
  const auto& share = context.share;
  // Open loop: worker w of shard i takes the unsharded schedule's starts w*N+i, w*N+i+workers*N...
  // so the shards' starts interleave into exactly the unsharded schedule.
  context.workers = workers * share.start_stride;
  // Closed loop: the shared counter hands out this shard's iteration numbers.
  context.next_iteration.store(share.first_iteration);
  const int parts = context.phase->max_parallel_parts;
  context.pool.max_connections =
      (concurrency / workers + 1) * static_cast<std::size_t>(std::max(1, parts));

  PhaseOutcome outcome;
  std::mutex merge_mutex;
  std::exception_ptr failure;
  std::vector<std::thread> pool;
  std::uint64_t first_flow = share.first_flow;  // {worker} numbers are global across shards
  for (std::size_t i = 0; i < workers; ++i) {
    auto& recorder = *context.worker_recorders[i];
    const std::size_t slots = concurrency / workers + (i < concurrency % workers ? 1 : 0);
    pool.emplace_back([&, i, slots, first_flow, &recorder = recorder] {
      try {
        Worker worker(context, i * share.start_stride + share.first_start, slots, first_flow,
                      recorder);
        worker.run();
        const auto pool_stats = worker.pool_stats();
        std::lock_guard lock(merge_mutex);
        outcome.pool.requests += pool_stats.requests;
        outcome.pool.connections_opened += pool_stats.connections_opened;
        outcome.pool.connections_closed += pool_stats.connections_closed;
        outcome.pool.reused += pool_stats.reused;
        outcome.pool.stale_retries += pool_stats.stale_retries;
        outcome.pool.queued += pool_stats.queued;
      } catch (...) {
        std::lock_guard lock(merge_mutex);
        if (!failure) failure = std::current_exception();
      }
    });
    first_flow += slots;
  }
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  outcome.stats = context.recorder->merged();
  return outcome;
}

}  // namespace s3storm::engine
