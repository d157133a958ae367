#include "target/fault_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "util/usage_error.hpp"

namespace s3storm::target {

namespace {

[[noreturn]] void bad_spec(std::string_view spec, std::string_view why) {
  throw UsageError("--fault '" + std::string(spec) + "': " + std::string(why));
}

double parse_probability(std::string_view spec, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) || value < 0 ||
      value > 1) {
    bad_spec(spec, "expected a probability between 0 and 1, got '" + std::string(text) + "'");
  }
  return value;
}

std::chrono::microseconds parse_duration(std::string_view spec, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  double scale = 0;
  if (unit == "us") scale = 1;
  if (unit == "ms") scale = 1e3;
  if (unit == "s") scale = 1e6;
  if (ec != std::errc{} || scale == 0 || !std::isfinite(value) || value < 0 ||
      value * scale > 60e6) {
    bad_spec(spec, "expected a duration like 5ms, 200us or 1s (at most 60s), got '" +
                       std::string(text) + "'");
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(value * scale)));
}

}  // namespace

void apply_fault_spec(FaultPlan& plan, std::string_view spec) {
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos) bad_spec(spec, "expected KIND:VALUE");
  const std::string_view kind = spec.substr(0, colon);
  const std::string_view value = spec.substr(colon + 1);
  if (kind == "503") {
    plan.slow_down = parse_probability(spec, value);
  } else if (kind == "reset") {
    plan.reset = parse_probability(spec, value);
  } else if (kind == "event-drop") {
    plan.event_drop = parse_probability(spec, value);
  } else if (kind == "event-dup") {
    plan.event_dup = parse_probability(spec, value);
  } else if (kind == "event-corrupt") {
    plan.event_corrupt = parse_probability(spec, value);
  } else if (kind == "body-corrupt") {
    plan.body_corrupt = parse_probability(spec, value);
  } else if (kind == "event-reorder") {
    plan.event_reorder = parse_probability(spec, value);
  } else if (kind == "capacity") {
    double rate = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), rate);
    if (ec != std::errc{} || end != value.data() + value.size() || !std::isfinite(rate) ||
        rate < 1) {
      bad_spec(spec, "expected requests per second (at least 1), got '" + std::string(value) + "'");
    }
    plan.capacity_per_s = rate;
  } else if (kind == "event-delay") {
    const auto second = value.find(':');
    plan.event_delay = parse_duration(spec, value.substr(0, second));
    plan.event_delay_probability =
        second == std::string_view::npos ? 1.0 : parse_probability(spec, value.substr(second + 1));
  } else if (kind == "delay") {
    const auto second = value.find(':');
    plan.delay = parse_duration(spec, value.substr(0, second));
    plan.delay_probability =
        second == std::string_view::npos ? 1.0 : parse_probability(spec, value.substr(second + 1));
  } else {
    bad_spec(spec, "unknown kind '" + std::string(kind) +
                       "' (expected 503, reset, delay, capacity, event-drop, event-dup, "
                       "event-corrupt, event-reorder, event-delay or body-corrupt)");
  }
}

FaultPlan parse_fault_specs(const std::vector<std::string>& specs) {
  FaultPlan plan;
  for (const auto& spec : specs) apply_fault_spec(plan, spec);
  return plan;
}

FaultInjector::FaultInjector(FaultPlan plan, std::uint64_t seed) : plan_(plan), rng_(seed) {}

bool FaultInjector::roll(double probability) {
  if (probability <= 0) return false;
  // 53 random bits give a uniform double in [0, 1) that is the same on every standard library
  // (std::uniform_real_distribution is not specified bit for bit).
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  return u < probability;
}

// The bucket holds a fifth of a second's worth: enough that a loaded machine's scheduling
// clumps (a server thread off the CPU for 100 ms) are not taken for overload, small enough that
// a probe of a second above the capacity spends its saved-up burst early and fails.
bool FaultInjector::over_capacity() {
  if (plan_.capacity_per_s <= 0) return false;
  const double burst = std::max(1.0, plan_.capacity_per_s / 5);
  const auto now = std::chrono::steady_clock::now();
  if (refilled_ == std::chrono::steady_clock::time_point{}) {
    tokens_ = burst;
  } else {
    tokens_ = std::min(burst, tokens_ + plan_.capacity_per_s *
                                            std::chrono::duration<double>(now - refilled_).count());
  }
  refilled_ = now;
  if (tokens_ < 1) return true;
  tokens_ -= 1;
  return false;
}

RequestFault FaultInjector::next_request() {
  RequestFault fault;
  if (!plan_.affects_requests()) return fault;
  std::lock_guard lock(mutex_);
  if (roll(plan_.delay_probability)) fault.delay = plan_.delay;
  // Both dice are always rolled so each fault's rate does not depend on the other's.
  fault.reset = roll(plan_.reset);
  fault.slow_down = roll(plan_.slow_down) && !fault.reset;
  // Only a request that would be served takes a token: what is refused costs the server nothing.
  if (!fault.reset && !fault.slow_down) fault.slow_down = over_capacity();
  return fault;
}

int FaultInjector::next_event_copies() {
  if (plan_.event_drop <= 0 && plan_.event_dup <= 0) return 1;
  std::lock_guard lock(mutex_);
  if (roll(plan_.event_drop)) return 0;
  return roll(plan_.event_dup) ? 2 : 1;
}

bool FaultInjector::next_event_corrupt() {
  if (plan_.event_corrupt <= 0) return false;
  std::lock_guard lock(mutex_);
  return roll(plan_.event_corrupt);
}

bool FaultInjector::next_body_corrupt() {
  if (plan_.body_corrupt <= 0) return false;
  std::lock_guard lock(mutex_);
  return roll(plan_.body_corrupt);
}

bool FaultInjector::next_event_delay() {
  if (plan_.event_delay_probability <= 0 || plan_.event_delay.count() == 0) return false;
  std::lock_guard lock(mutex_);
  return roll(plan_.event_delay_probability);
}

bool FaultInjector::next_event_reorder() {
  if (plan_.event_reorder <= 0) return false;
  std::lock_guard lock(mutex_);
  return roll(plan_.event_reorder);
}

}  // namespace s3storm::target
