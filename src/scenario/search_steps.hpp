#pragma once

// Which rate a capacity search probes next: up from `from` by kStepFactor until a probe fails or
// `to` held, then halving the interval between the highest rate that held and the lowest that
// failed until it is within `precision` of the held one. Pure arithmetic, shared by the engine
// (which runs the probes) and `validate` (which prints the step-up rates).

#include <optional>
#include <vector>

#include "scenario/model.hpp"

namespace s3storm::scenario {

class SearchSteps {
 public:
  static constexpr double kStepFactor = 2;

  explicit SearchSteps(const Search& search);

  // The next rate to probe, per second; nullopt when the search is over.
  std::optional<double> next() const;
  // The verdict of a probe at `rate` (the one next() gave).
  void record(double rate, bool held);
  // The highest rate that held; nullopt while none has (and at the end when even `from` failed).
  std::optional<double> max_held() const { return held_; }
  // The lowest rate that failed, if one did.
  std::optional<double> min_failed() const { return failed_; }

  // The rates of the step-up part, from `from` to `to` (the last one may be a shorter step).
  static std::vector<double> step_up_rates(const Search& search);
  // The most probes the search can take: every step up, then bisection to the precision.
  static int max_probes(const Search& search);

 private:
  double from_;
  double to_;
  double precision_;
  std::optional<double> held_;
  std::optional<double> failed_;
};

}  // namespace s3storm::scenario
