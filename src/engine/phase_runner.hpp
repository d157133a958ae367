#pragma once

// Runs one phase on `threads` workers (one thread and io_context each) and merges what they
// measured once they are all done.

#include <cstddef>

#include "engine/phase_context.hpp"
#include "http/connection_pool.hpp"
#include "stats/op_stats.hpp"

namespace s3storm::engine {

struct PhaseOutcome {
  stats::PhaseStats stats;
  http::PoolStats pool;  // all workers' pools added up
};

// The phase's workers' recorders, into context.worker_recorders. Call it before taking the
// phase's start instant: each recorder allocates every histogram up front (~6.6 MB, 20-40 ms of
// page faults on this project's VM), which would otherwise be counted in the phase's duration
// and so lower its rate (a 64 MiB PUT phase of 0.5 s lost ~5% to it).
void prepare_workers(PhaseContext& context, std::size_t threads);

// `context.workers` is set here; the phase's concurrency is split over at most `threads` workers,
// recording into context.worker_recorders (made here if prepare_workers was not called).
PhaseOutcome run_phase(PhaseContext& context, std::size_t threads);

}  // namespace s3storm::engine
