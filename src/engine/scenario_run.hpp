#pragma once

// A whole run of a scenario: the embedded target if asked for, the event receiver, setup, the
// phases in order, the wait for late events, cleanup, and the report model that every output is
// made from. Throws UsageError for what the user must fix before a run can start (nothing is sent
// then) and SetupError when the target refuses the setup.

#include <atomic>
#include <cstdio>
#include <thread>

#include "report/run_report.hpp"
#include "scenario/model.hpp"

namespace s3storm::engine {

struct RunOptions {
  std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  bool insecure = false;                    // skip TLS peer verification whatever the scenario says
  const std::atomic<bool>* stop = nullptr;  // set by Ctrl-C: drain and report
  std::FILE* progress = stderr;             // null: no progress lines
};

report::RunReport run_scenario(const scenario::Scenario& scenario, const RunOptions& options);

}  // namespace s3storm::engine
