#pragma once

// Object sizes: a fixed size or a distribution, drawn per operation with the worker's Rng.

#include <cstdint>
#include <vector>

#include "util/rng.hpp"

namespace s3storm::scenario {

class SizeSpec {
 public:
  enum class Kind { kFixed, kUniform, kLognormal, kChoice };
  struct Choice {
    std::uint64_t size = 0;
    double weight = 0;
  };

  static SizeSpec fixed(std::uint64_t bytes);
  static SizeSpec uniform(std::uint64_t min, std::uint64_t max);  // inclusive bounds
  // The median is the 50th percentile; sigma is chosen so that max is the 99.9th percentile, and
  // draws above max are clamped to it.
  static SizeSpec lognormal(std::uint64_t median, std::uint64_t max);
  static SizeSpec choice(std::vector<Choice> choices);  // weights > 0 in total

  std::uint64_t draw(Rng& rng) const;

  Kind kind() const { return kind_; }
  std::uint64_t min() const;  // smallest size a draw can return
  std::uint64_t max() const;  // largest size a draw can return
  double mean() const;        // expected value of a draw
  std::uint64_t median_or_min() const { return a_; }
  const std::vector<Choice>& choices() const { return choices_; }
  double sigma() const { return sigma_; }

 private:
  Kind kind_ = Kind::kFixed;
  std::uint64_t a_ = 0;  // fixed size | uniform min | lognormal median
  std::uint64_t b_ = 0;  // uniform max | lognormal max
  double sigma_ = 0;
  std::vector<Choice> choices_;
  std::vector<double> cumulative_;  // choice: running weight sums, for one draw per pick
};

}  // namespace s3storm::scenario
