#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace s3storm::events {

// AWS puts object keys into events form-URL-encoded (space as '+', other bytes as %XX); some
// servers (s3rver) send them raw. Returns the decoded key, or nullopt when `key` cannot be an
// encoded key (a '%' not followed by two hex digits), which proves it was sent raw.
std::optional<std::string> decode_event_key(std::string_view key);

// True when `key` holds something an encoder never leaves as is (a space, a control byte or a
// non-ASCII byte), which also proves it was sent raw.
bool has_raw_only_bytes(std::string_view key);

// True when decoding could change `key` at all ('+' or '%' present).
bool may_be_encoded(std::string_view key);

}  // namespace s3storm::events
