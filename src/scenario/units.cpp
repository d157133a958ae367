#include "scenario/units.hpp"

#include <fmt/core.h>

#include <cmath>
#include <stdexcept>
#include <utility>

#include "util/rng.hpp"

namespace s3storm::scenario {

namespace {

// A decimal number as an exact fraction: digits / 10^scale.
struct Decimal {
  Uint128 digits = 0;
  unsigned scale = 0;
};

constexpr unsigned kMaxFractionDigits = 9;

// Splits "12.5KiB" into the number and the unit ("KiB"); one space between them is allowed.
std::pair<Decimal, std::string_view> split_number(std::string_view text, std::string_view what,
                                                  std::string_view example) {
  Decimal d;
  std::size_t i = 0;
  bool any_digit = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    d.digits = d.digits * 10 + static_cast<unsigned>(text[i] - '0');
    if (d.digits > (static_cast<Uint128>(1) << 100)) {
      throw std::invalid_argument(std::string(what) + " '" + std::string(text) + "' is too large");
    }
    any_digit = true;
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (d.scale == kMaxFractionDigits) {
        throw std::invalid_argument(std::string(what) + " '" + std::string(text) +
                                    "' has too many decimals");
      }
      d.digits = d.digits * 10 + static_cast<unsigned>(text[i] - '0');
      ++d.scale;
      any_digit = true;
      ++i;
    }
  }
  if (!any_digit) {
    if (!text.empty() && text[0] == '-') {
      throw std::invalid_argument(std::string(what) + " must not be negative, got '" +
                                  std::string(text) + "'");
    }
    throw std::invalid_argument("expected a " + std::string(what) + " like " +
                                std::string(example) + ", got '" + std::string(text) + "'");
  }
  if (i < text.size() && text[i] == ' ') ++i;
  return {d, text.substr(i)};
}

Uint128 pow10(unsigned n) {
  Uint128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  constexpr std::string_view kExample = "29, 4KiB, 6MiB or 1GB";
  auto [number, unit] = split_number(text, "size", kExample);
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1},
      {"B", 1},
      {"KB", 1000ull},
      {"MB", 1000ull * 1000},
      {"GB", 1000ull * 1000 * 1000},
      {"TB", 1000ull * 1000 * 1000 * 1000},
      {"KiB", 1ull << 10},
      {"MiB", 1ull << 20},
      {"GiB", 1ull << 30},
      {"TiB", 1ull << 40},
  };
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    const Uint128 scaled = number.digits * factor;
    const Uint128 divisor = pow10(number.scale);
    if (scaled % divisor != 0) {
      throw std::invalid_argument("size '" + std::string(text) +
                                  "' is not a whole number of bytes");
    }
    const Uint128 bytes = scaled / divisor;
    if (bytes > (static_cast<Uint128>(1) << 60)) {
      throw std::invalid_argument("size '" + std::string(text) + "' is too large");
    }
    return static_cast<std::uint64_t>(bytes);
  }
  throw std::invalid_argument("unknown size unit '" + std::string(unit) + "' in '" +
                              std::string(text) +
                              "'; allowed: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB");
}

std::chrono::nanoseconds parse_duration(std::string_view text) {
  auto [number, unit] = split_number(text, "duration", "250ms, 10s or 5m");
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"ns", 1},
      {"us", 1000ull},
      {"ms", 1000ull * 1000},
      {"s", 1000ull * 1000 * 1000},
      {"m", 60ull * 1000 * 1000 * 1000},
      {"h", 3600ull * 1000 * 1000 * 1000},
  };
  if (unit.empty()) {
    throw std::invalid_argument("duration '" + std::string(text) +
                                "' needs a unit: ns, us, ms, s, m or h (e.g. 250ms)");
  }
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    const Uint128 ns = number.digits * factor / pow10(number.scale);
    if (ns > static_cast<Uint128>(INT64_MAX / 2)) {
      throw std::invalid_argument("duration '" + std::string(text) + "' is too long");
    }
    return std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
  }
  throw std::invalid_argument("unknown duration unit '" + std::string(unit) + "' in '" +
                              std::string(text) + "'; allowed: ns, us, ms, s, m, h");
}

double parse_rate_per_second(std::string_view text) {
  auto [number, unit] = split_number(text, "rate", "500/s or 30000/m");
  double per = 0;
  if (unit == "/s") {
    per = 1;
  } else if (unit == "/m") {
    per = 60;
  } else if (unit == "/h") {
    per = 3600;
  } else {
    throw std::invalid_argument("rate '" + std::string(text) +
                                "' needs a unit: /s, /m or /h (e.g. 500/s)");
  }
  const double value =
      static_cast<double>(number.digits) / static_cast<double>(pow10(number.scale));
  return value / per;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::pair<const char*, std::uint64_t> kUnits[] = {
      {"TiB", 1ull << 40}, {"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}};
  for (const auto& [name, factor] : kUnits) {
    if (bytes < factor) continue;
    if (bytes % factor == 0) return fmt::format("{} {}", bytes / factor, name);
    return fmt::format("{:.1f} {}", static_cast<double>(bytes) / static_cast<double>(factor), name);
  }
  return fmt::format("{} B", bytes);
}

std::string format_duration(std::chrono::nanoseconds d) {
  const auto ns = d.count();
  if (ns == 0) return "0s";
  if (ns % 3'600'000'000'000 == 0) return fmt::format("{}h", ns / 3'600'000'000'000);
  if (ns % 60'000'000'000 == 0) return fmt::format("{}m", ns / 60'000'000'000);
  if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

}  // namespace s3storm::scenario
