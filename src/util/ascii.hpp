#pragma once

// ASCII case for HTTP tokens (header names, "100-continue", hex digits), shared by the HTTP client
// and server, the SigV4 verifier and the embedded target. std::tolower consults the C locale per
// character, and a byte-at-a-time loop with a branch per character was a visible share of a
// request on both ends: the comparisons here take eight bytes per step. Bytes past 0x7f are
// never changed.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace s3storm::ascii {

constexpr char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `text` without the `blanks` at either end: spaces and tabs unless told (header values, chunk
// extensions, config lines).
constexpr std::string_view trim(std::string_view text, std::string_view blanks = " \t") {
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// A copy of `text` in lower case, for names kept or compared in one case (form fields, config
// keys, URL schemes and hosts). Not on a per-request path, so a byte at a time.
inline std::string lower_copy(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

inline constexpr std::uint64_t kEveryByte = 0x0101010101010101ull;
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

inline std::uint64_t load8(const char* data) {
  std::uint64_t word;
  std::memcpy(&word, data, sizeof(word));
  return word;
}

// A text shorter than eight bytes as one word, every byte in it once or twice (4-7 bytes: two
// overlapping halves). Byte-wise checks and equality between two texts of one size loaded alike
// hold for the word exactly when they hold for the text.
inline std::uint64_t load_short(const char* data, std::size_t size) {
  if (size >= 4) {
    std::uint32_t low;
    std::uint32_t high;
    std::memcpy(&low, data, sizeof(low));
    std::memcpy(&high, data + size - 4, sizeof(high));
    return low | std::uint64_t{high} << 32;
  }
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < size; ++i) {
    word |= std::uint64_t{static_cast<unsigned char>(data[i])} << (8 * i);
  }
  return word;
}

// Calls visit(word, offset) for words covering all of [data, data + size) with size >= 8: whole
// words, then the last eight bytes (overlapping the one before).
template <typename Visit>
[[gnu::always_inline]] inline bool all_words(const char* data, std::size_t size, Visit&& visit) {
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    if (!visit(load8(data + i), i)) return false;
  }
  return i == size || visit(load8(data + size - 8), size - 8);
}

// 0x80 in each byte of `word` that is 'A'..'Z', 0 elsewhere. Works on the low seven bits so no
// byte's sum carries into the next; bytes >= 0x80 are masked out at the end.
inline std::uint64_t upper_bytes(std::uint64_t word) {
  const std::uint64_t low7 = word & ~kHighBits;
  const std::uint64_t at_least_a = low7 + kEveryByte * (0x80 - 'A');
  const std::uint64_t above_z = low7 + kEveryByte * (0x7f - 'Z');
  return (at_least_a ^ above_z) & ~word & kHighBits;
}

inline std::uint64_t to_lower(std::uint64_t word) {
  return word | (upper_bytes(word) >> 2);  // 0x80 >> 2 is 0x20, the case bit
}

inline bool has_upper(std::string_view text) {
  if (text.size() < 8) return upper_bytes(load_short(text.data(), text.size())) != 0;
  return !all_words(text.data(), text.size(),
                    [](std::uint64_t word, std::size_t) { return upper_bytes(word) == 0; });
}

// `name` in any case equals `lower_name`, which is lower-case already.
inline bool equals_lower(std::string_view name, std::string_view lower_name) {
  if (name.size() != lower_name.size()) return false;
  if (name.size() < 8) {
    return to_lower(load_short(name.data(), name.size())) ==
           load_short(lower_name.data(), lower_name.size());
  }
  return all_words(name.data(), name.size(), [&](std::uint64_t word, std::size_t offset) {
    return to_lower(word) == load8(lower_name.data() + offset);
  });
}

// `a` and `b` are equal but for the case of their letters.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (std::is_constant_evaluated()) {
    return std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return lower(x) == lower(y); });
  }
  if (a.size() < 8) {
    return to_lower(load_short(a.data(), a.size())) == to_lower(load_short(b.data(), b.size()));
  }
  return all_words(a.data(), a.size(), [&](std::uint64_t word, std::size_t offset) {
    return to_lower(word) == to_lower(load8(b.data() + offset));
  });
}

// `text` begins with `prefix`, but for the case of its letters.
constexpr bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

}  // namespace s3storm::ascii
