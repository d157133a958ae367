#pragma once

// Case-insensitive comparison for HTTP tokens (header names, "100-continue", hex digits), which
// are ASCII: std::tolower consults the C locale per character, which showed up at ~2% of the
// embedded target's instructions.

#include <algorithm>
#include <string_view>

namespace s3storm::http {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

}  // namespace s3storm::http
