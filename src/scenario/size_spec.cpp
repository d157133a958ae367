#include "scenario/size_spec.hpp"

#include <algorithm>
#include <cmath>

namespace s3storm::scenario {

namespace {
// The standard normal quantile at 0.999: max sits three sigmas (and a bit) above the median.
constexpr double kZ999 = 3.090232306;
constexpr double kPi = 3.14159265358979323846;
}  // namespace

SizeSpec SizeSpec::fixed(std::uint64_t bytes) {
  SizeSpec s;
  s.kind_ = Kind::kFixed;
  s.a_ = s.b_ = bytes;
  return s;
}

SizeSpec SizeSpec::uniform(std::uint64_t min, std::uint64_t max) {
  SizeSpec s;
  s.kind_ = Kind::kUniform;
  s.a_ = min;
  s.b_ = max;
  return s;
}

SizeSpec SizeSpec::lognormal(std::uint64_t median, std::uint64_t max) {
  SizeSpec s;
  s.kind_ = Kind::kLognormal;
  s.a_ = median;
  s.b_ = max;
  s.sigma_ = max > median && median > 0
                 ? std::log(static_cast<double>(max) / static_cast<double>(median)) / kZ999
                 : 0;
  return s;
}

SizeSpec SizeSpec::choice(std::vector<Choice> choices) {
  SizeSpec s;
  s.kind_ = Kind::kChoice;
  double sum = 0;
  for (const auto& c : choices) {
    sum += c.weight;
    s.cumulative_.push_back(sum);
  }
  s.choices_ = std::move(choices);
  return s;
}

std::uint64_t SizeSpec::draw(Rng& rng) const {
  switch (kind_) {
    case Kind::kFixed:
      return a_;
    case Kind::kUniform:
      return a_ + rng.below(b_ - a_ + 1);
    case Kind::kLognormal: {
      // Box-Muller: one normal draw per size; (1 - u) keeps the log argument away from zero.
      const double u1 = 1.0 - rng.unit();
      const double u2 = rng.unit();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * kPi * u2);
      const double size = static_cast<double>(a_) * std::exp(sigma_ * z);
      if (size >= static_cast<double>(b_)) return b_;
      return static_cast<std::uint64_t>(std::llround(size));
    }
    case Kind::kChoice: {
      const double pick = rng.unit() * cumulative_.back();
      const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), pick);
      const auto index = std::min<std::size_t>(static_cast<std::size_t>(it - cumulative_.begin()),
                                               choices_.size() - 1);
      return choices_[index].size;
    }
  }
  return a_;
}

std::uint64_t SizeSpec::min() const {
  switch (kind_) {
    case Kind::kLognormal:
      return 0;
    case Kind::kChoice: {
      std::uint64_t m = UINT64_MAX;
      for (const auto& c : choices_) {
        if (c.weight > 0) m = std::min(m, c.size);
      }
      return m;
    }
    default:
      return a_;
  }
}

std::uint64_t SizeSpec::max() const {
  if (kind_ != Kind::kChoice) return b_;
  std::uint64_t m = 0;
  for (const auto& c : choices_) {
    if (c.weight > 0) m = std::max(m, c.size);
  }
  return m;
}

double SizeSpec::mean() const {
  switch (kind_) {
    case Kind::kFixed:
      return static_cast<double>(a_);
    case Kind::kUniform:
      return (static_cast<double>(a_) + static_cast<double>(b_)) / 2;
    case Kind::kLognormal: {
      // Mean of the clamped distribution: E[min(X, max)], from the lognormal partial expectation.
      const double mu = std::log(static_cast<double>(a_));
      const double s = sigma_;
      if (s == 0) return static_cast<double>(a_);
      const double k = std::log(static_cast<double>(b_));
      auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
      const double below = std::exp(mu + s * s / 2) * phi((k - mu - s * s) / s);
      const double above = static_cast<double>(b_) * (1 - phi((k - mu) / s));
      return below + above;
    }
    case Kind::kChoice: {
      double sum = 0;
      for (const auto& c : choices_) sum += static_cast<double>(c.size) * c.weight;
      return sum / cumulative_.back();
    }
  }
  return 0;
}

}  // namespace s3storm::scenario
