#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace s3storm::http {

enum class Scheme { kHttp, kHttps };

// Where a pool connects. The Host header is the caller's business (virtual-hosted addressing
// sends "bucket.host" while still connecting here).
struct Endpoint {
  Scheme scheme = Scheme::kHttp;
  std::string host;  // name or IP literal; IPv6 without brackets
  std::uint16_t port = 80;

  // "http://127.0.0.1:9000", "https://s3.example.com", "http://[::1]:8080". A path after the
  // authority is rejected. Throws s3storm::UsageError naming the URL.
  static Endpoint parse(std::string_view url);

  // "host" or "host:port" when the port is not the scheme's default; IPv6 in brackets.
  std::string host_header() const;
};

}  // namespace s3storm::http
