#pragma once

// What a capacity search (a phase's `search:`) found: the highest rate that held, and each probe
// with the measures its `until` named. Plain data, kept in the phase it belongs to.

#include <optional>
#include <string>
#include <vector>

namespace s3storm::stats {

struct ProbeMeasure {
  std::string expr;  // the `until` expression as written
  double measured = 0;
  bool pass = false;
  std::string unit;  // as report::ThresholdResult: "s", "/s", "fraction" or "" (a count)
  friend bool operator==(const ProbeMeasure&, const ProbeMeasure&) = default;
};

struct SearchProbe {
  double rate_per_s = 0;      // the open-loop rate probed
  bool held = false;          // every `until` held
  double duration_s = 0;      // the probe's load, from its first start to its last answer
  double settle_s = 0;        // then waiting for its events
  double achieved_per_s = 0;  // operations answered per second of the probe
  std::uint64_t dropped = 0;  // starts that found no free flow (concurrency too low)
  std::vector<ProbeMeasure> until;
  friend bool operator==(const SearchProbe&, const SearchProbe&) = default;
};

struct SearchOutcome {
  double from_per_s = 0;
  double to_per_s = 0;
  double probe_s = 0;
  double precision = 0;                  // a fraction
  std::optional<double> max_rate_per_s;  // none: even `from` failed
  std::vector<SearchProbe> probes;       // in the order they ran
  friend bool operator==(const SearchOutcome&, const SearchOutcome&) = default;
};

}  // namespace s3storm::stats
