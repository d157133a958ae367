#pragma once

// A whole run of a scenario: the local target if asked for, the event intake, setup, the phases
// in order, the wait for late events, cleanup, and the report model that every output is made
// from. Throws UsageError for what the user must fix before a run can start (nothing is sent
// then) and SetupError when the target refuses the setup.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "engine/local_target.hpp"
#include "report/run_report.hpp"
#include "scenario/model.hpp"
#include "scenario/shard.hpp"
#include "sigv4/credential_feed.hpp"

namespace s3storm::engine {

struct RunOptions {
  std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  bool insecure = false;  // skip TLS peer verification whatever the scenario says
  // Set to the signal's number by SIGINT/SIGTERM: drain and report; 0 while the run goes on.
  const std::atomic<int>* stop = nullptr;
  std::FILE* progress = stderr;  // null: no progress lines
  scenario::ShardSpec shard;     // --shard I/N: this run's part of the scenario
  std::string metrics_address;   // --metrics HOST:PORT; empty: no endpoint
  bool metrics_remote = false;   // allow a non-loopback metrics address
  // --metrics-linger: keep serving the final numbers this long after the run (Ctrl-C ends it).
  std::chrono::milliseconds metrics_linger{0};
  // The credentials for `credentials: env`, found by the caller (aws_config) and refreshed while
  // the run goes on; null: the local target's own keys (endpoint: embedded only).
  std::shared_ptr<const sigv4::CredentialFeed> credentials;
  // --start-at: the first phase starts at this wall-clock time (after setup, so every shard is
  // ready then); none: as soon as setup is done.
  std::optional<std::chrono::system_clock::time_point> start_at;
};

struct RunResult;

// Called once the run is over and its result complete, before --metrics-linger: a scraper's last
// look and the report files then say the same, and a CI job reading the files need not wait.
using ReportsReady = std::function<void(RunResult&)>;

struct RunResult {
  report::RunReport report;
  // The abort_on_fail thresholds that stopped the run early (empty when none did).
  std::vector<report::ThresholdResult> aborted_by;
  double aborted_at_s = 0;
  // Sharded runs: events for other shards' keys, left to them (not matched, not unexpected).
  std::uint64_t foreign_events = 0;
};

// `local_target` serves `endpoint: embedded`; it is started only when the scenario says so.
RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options,
                       LocalTarget& local_target, const ReportsReady& reports_ready = {});

}  // namespace s3storm::engine
