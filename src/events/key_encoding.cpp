#include "events/key_encoding.hpp"

#include "sigv4/uri_encoding.hpp"

namespace s3storm::events {

std::optional<std::string> decode_event_key(std::string_view key) {
  return sigv4::uri_decode_strict(key, /*plus_is_space=*/true);
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
