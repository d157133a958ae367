#pragma once

// Hex digits for SigV4 (hashes and signatures, lower case), ETags, the target's continuation
// tokens and percent-escapes (upper case). The signer and the verifier spell a hash or a MAC per
// request, so spelling is one table load per byte, into a stack buffer.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm::hex {

inline constexpr char kLowerDigits[] = "0123456789abcdef";
inline constexpr char kUpperDigits[] = "0123456789ABCDEF";

// 0..15 for a hex digit of either case, -1 for any other character.
constexpr int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr bool is_digit(char c) {
  return digit_value(c) >= 0;
}

constexpr bool is_lower_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

namespace detail {
// The two lower-case digits of every byte value.
inline constexpr std::array<std::array<char, 2>, 256> kLowerPairs = [] {
  std::array<std::array<char, 2>, 256> pairs{};
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    pairs[i] = {kLowerDigits[i >> 4], kLowerDigits[i & 0x0f]};
  }
  return pairs;
}();
}  // namespace detail

// Writes two lower-case digits per byte to `out`, which has room for 2 * size characters.
inline void write(char* out, const unsigned char* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    std::memcpy(out + 2 * i, detail::kLowerPairs[data[i]].data(), 2);
  }
}

// The lower-case digits of a digest into a fixed buffer: a signature spelled per chunk, with no
// string to allocate.
template <std::size_t N>
std::array<char, 2 * N> spell(const std::array<unsigned char, N>& bytes) {
  std::array<char, 2 * N> out;
  write(out.data(), bytes.data(), N);
  return out;
}

// Appends two lower-case digits per byte.
inline void append(std::string& out, const unsigned char* data, std::size_t size) {
  // Through a stack buffer, so the string is not zero-filled by resize() and then overwritten.
  std::array<char, 128> chunk;
  while (size > 0) {
    const std::size_t n = std::min(size, chunk.size() / 2);
    write(chunk.data(), data, n);
    out.append(chunk.data(), 2 * n);
    data += n;
    size -= n;
  }
}

template <std::size_t N>
void append(std::string& out, const std::array<unsigned char, N>& bytes) {
  append(out, bytes.data(), bytes.size());
}

inline void append(std::string& out, std::string_view bytes) {
  append(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// Lower-case hex of a digest or of any bytes.
template <std::size_t N>
std::string encode(const std::array<unsigned char, N>& bytes) {
  std::string out;
  append(out, bytes);
  return out;
}

inline std::string encode(std::string_view bytes) {
  std::string out;
  append(out, bytes);
  return out;
}

// The bytes spelled by `text` (digits of either case, two per byte); nullopt for an odd length or
// a character that is no hex digit.
inline std::optional<std::string> decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = digit_value(text[i]);
    const int low = digit_value(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

}  // namespace s3storm::hex
