#pragma once

// What a scenario will do, computed without a network: for `s3storm validate` and for humans.

#include <optional>
#include <string>
#include <vector>

#include "scenario/model.hpp"

namespace s3storm::scenario {

struct OpEstimate {
  OpKind op = OpKind::kPut;
  std::optional<double> count;  // operations; nullopt when the phase has no finite bound
  bool exact = true;            // false: an expectation (weighted mix, rate x duration, sizes)
  double requests_per_op = 1;   // multipart: create + parts + complete (mean over sizes)
  double bytes = 0;             // bytes written by these operations (expected)
  std::string event;            // the notification S3 sends for one success, or empty
  bool notified = false;        // setup.notifications (if any) cover this op's bucket and event
};

struct PhasePlan {
  std::string name;
  std::string stop;    // "100 iterations", "30s", "30s or 100 iterations"
  std::string pacing;  // "closed loop, 8 in flight" or "open loop 500/s, up to 8 in flight"
  std::optional<double> iterations;  // expected flow iterations, when finite
  bool iterations_exact = true;
  std::vector<std::string> steps;  // one line per step, for display
  std::vector<OpEstimate> ops;     // one per step
};

std::vector<PhasePlan> make_plan(const Scenario& scenario);

// The whole plan as text: target, setup, events, a small table per phase, thresholds. Never
// contains secrets.
std::string format_plan(const Scenario& scenario);

// The event name a successful operation triggers ("ObjectCreated:Put"), or empty for reads.
std::string event_for(const Step& step);

}  // namespace s3storm::scenario
