#include "events/key_encoding.hpp"

namespace s3storm::events {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> decode_event_key(std::string_view key) {
  std::string decoded;
  decoded.reserve(key.size());
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '+') {
      decoded.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= key.size()) return std::nullopt;
      const int high = hex_value(key[i + 1]);
      const int low = hex_value(key[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

bool has_raw_only_bytes(std::string_view key) {
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return true;
  }
  return false;
}

bool may_be_encoded(std::string_view key) {
  return key.find_first_of("+%") != std::string_view::npos;
}

}  // namespace s3storm::events
