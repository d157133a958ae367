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

// `context.workers` is set here; the phase's concurrency is split over at most `threads` workers.
PhaseOutcome run_phase(PhaseContext& context, std::size_t threads);

}  // namespace s3storm::engine
