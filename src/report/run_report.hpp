#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stats/event_stats.hpp"
#include "stats/op_stats.hpp"

namespace s3storm::report {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

struct ThresholdResult {
  std::string expr;  // as written in the scenario, e.g. "put.p99 < 50ms"
  double measured = 0;
  bool pass = false;
  // What `measured` is in: "s" (a latency), "/s" (a rate), "fraction" (errors.rate), or "" (a
  // count), so every view can print it with its unit.
  std::string unit;
  friend bool operator==(const ThresholdResult&, const ThresholdResult&) = default;
};

// What produced a report, so a number in it can be traced and the run repeated.
struct RunMeta {
  std::string tool_version;  // s3storm's, as `s3storm --version` prints it
  std::string endpoint;      // the endpoint the run addressed ("embedded": the local target's URL)
  // target.endpoints in order (the first is `endpoint`); with one endpoint, that one. Reports
  // written before it was kept read back with {endpoint}.
  std::vector<std::string> endpoints;
  std::string region;
  std::uint64_t seed = 0;  // --set seed=N repeats the run's keys, sizes and bodies
  std::uint64_t threads = 0;
  std::string shard;     // "I/N" for one shard's run; empty for a whole or merged run
  std::string start_at;  // --start-at, ISO 8601 UTC, when the run was told to start at a time
  friend bool operator==(const RunMeta&, const RunMeta&) = default;
};

// What `setup.cleanup` removed after the run.
struct CleanupStats {
  std::uint64_t deleted = 0;  // objects
  std::uint64_t failed = 0;   // objects listed but not deleted
  friend bool operator==(const CleanupStats&, const CleanupStats&) = default;
};

// The whole result of a run (or of several shards' runs merged): the model behind every output.
// JSON (json_writer.hpp) stores it losslessly; text, HTML and JUnit are views of it.
struct RunReport {
  std::string scenario;       // the scenario's name
  std::string scenario_path;  // the file it came from, as given
  Timestamp started{};
  double duration_s = 0;
  std::uint32_t shards = 1;  // how many runs' reports were merged into this one
  // Empty when the run ended as planned; otherwise why it stopped early, in words (Ctrl-C, or the
  // abort_on_fail threshold that failed and when). Merged reports keep the first shard's reason.
  std::string stopped_by;
  // The signal that ended the run ("SIGINT", "SIGTERM"); empty when none did. A report with it
  // covers only part of the planned run, so `merge` refuses it unless told otherwise.
  std::string interrupted_by;
  RunMeta meta;
  std::vector<stats::PhaseStats> phases;
  stats::EventStats events;
  std::vector<ThresholdResult> thresholds;
  std::optional<CleanupStats> cleanup;  // when cleanup ran
  friend bool operator==(const RunReport&, const RunReport&) = default;
};

// When `phase` started, in seconds after the run (or the earliest shard) started, to the
// millisecond; nullopt when the report does not know (written before phases kept their start).
std::optional<double> started_s(const RunReport& report, const stats::PhaseStats& phase);

// All phases added together; named "totals", its duration the run's.
stats::PhaseStats totals(const RunReport& report);

// Adds another shard's report of the same scenario into `into`: histograms and counters add, time
// series align on wall-clock seconds, the run spans from the earliest start to the latest end.
// Thresholds are dropped: they were judged on one shard's numbers and no longer apply.
// Throws std::invalid_argument (one line, no file name) if the reports do not fit together.
void merge_report(RunReport& into, const RunReport& from);

}  // namespace s3storm::report
