#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace s3storm::events {

struct ListenAddress {
  std::string host;  // IP literal, IPv6 without brackets
  std::uint16_t port = 0;

  bool is_loopback() const;
};

// "127.0.0.1:9900", "[::1]:9900", "localhost:0". `what` names the setting or flag in the error.
// Throws s3storm::UsageError.
ListenAddress parse_listen_address(std::string_view text, std::string_view what);

}  // namespace s3storm::events
