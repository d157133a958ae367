#pragma once

// What the target needs beyond SigV4 (which sigv4/ provides): MD5 for ETags and Content-MD5.

#include <array>
#include <cstdint>
#include <string_view>

namespace s3storm::target {

using Md5Digest = std::array<std::uint8_t, 16>;

Md5Digest md5(std::string_view data);

}  // namespace s3storm::target
