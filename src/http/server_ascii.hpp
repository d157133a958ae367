#pragma once

// Case-insensitive comparison for HTTP tokens (header names, "100-continue", hex digits), which
// are ASCII: std::tolower consults the C locale per character, which showed up at ~2% of the
// embedded target's instructions.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace s3storm::http {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

namespace detail {

// ascii_lower on eight bytes at once (bytes past 0x7f stay as they are). Adding to the low seven
// bits of a byte never carries into the next byte, so each byte's high bit tells that byte's
// comparison.
constexpr std::uint64_t ascii_lower8(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101u;
  constexpr std::uint64_t high = ones * 0x80u;
  const std::uint64_t low7 = x & ~high;
  const std::uint64_t at_least_a = low7 + ones * (0x80u - 'A');
  const std::uint64_t past_z = low7 + ones * (0x80u - 'Z' - 1u);
  const std::uint64_t capitals = at_least_a & ~past_z & ~x & high;
  return x | (capitals >> 2);  // 0x80 >> 2 is the 0x20 between 'A' and 'a'
}

inline std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

inline std::uint64_t load4(const char* p) {
  std::uint32_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

}  // namespace detail

// Header lookups compare names of equal length that mostly differ only in case ("Authorization"
// against "authorization"): eight bytes per step, the last step overlapping the one before.
constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  if (std::is_constant_evaluated() || n < 4) {
    return std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
  }
  using detail::ascii_lower8;
  if (n < 8) {
    return ascii_lower8(detail::load4(a.data())) == ascii_lower8(detail::load4(b.data())) &&
           ascii_lower8(detail::load4(a.data() + n - 4)) ==
               ascii_lower8(detail::load4(b.data() + n - 4));
  }
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    if (ascii_lower8(detail::load8(a.data() + i)) != ascii_lower8(detail::load8(b.data() + i))) {
      return false;
    }
  }
  return ascii_lower8(detail::load8(a.data() + n - 8)) ==
         ascii_lower8(detail::load8(b.data() + n - 8));
}

}  // namespace s3storm::http
