#pragma once

// What the target needs beyond SigV4 (which sigv4/ provides): MD5 for ETags, base64.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm::target {

using Md5Digest = std::array<std::uint8_t, 16>;

Md5Digest md5(std::string_view data);

// Standard base64 (with padding); nullopt when `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace s3storm::target
