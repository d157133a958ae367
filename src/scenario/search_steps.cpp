#include "scenario/search_steps.hpp"

#include <algorithm>
#include <cmath>

namespace s3storm::scenario {

SearchSteps::SearchSteps(const Search& search)
    : from_(search.from_per_second), to_(search.to_per_second), precision_(search.precision) {}

std::optional<double> SearchSteps::next() const {
  if (!held_) {
    if (failed_) return std::nullopt;  // even `from` failed
    return from_;
  }
  if (!failed_) {
    if (*held_ >= to_) return std::nullopt;
    return std::min(*held_ * kStepFactor, to_);
  }
  if (*failed_ - *held_ <= precision_ * *held_) return std::nullopt;
  return (*held_ + *failed_) / 2;
}

void SearchSteps::record(double rate, bool held) {
  if (held) {
    held_ = std::max(held_.value_or(rate), rate);
  } else {
    failed_ = std::min(failed_.value_or(rate), rate);
  }
}

std::vector<double> SearchSteps::step_up_rates(const Search& search) {
  std::vector<double> rates;
  for (double rate = search.from_per_second; rate < search.to_per_second; rate *= kStepFactor) {
    rates.push_back(rate);
  }
  rates.push_back(search.to_per_second);
  return rates;
}

int SearchSteps::max_probes(const Search& search) {
  const auto steps = static_cast<int>(step_up_rates(search).size());
  // Bisecting an interval of one step (a factor of 2 above the held rate) until it is within
  // the precision: each probe halves it.
  const int halvings = static_cast<int>(std::ceil(std::log2((kStepFactor - 1) / search.precision)));
  return steps + std::max(0, halvings);
}

}  // namespace s3storm::scenario
