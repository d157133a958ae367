#pragma once

// The one reader of http(s) URLs: the S3 endpoint, SQS queue URLs, the target's --notify webhook,
// SNS SubscribeURLs and `sign --url`. Each caller then says what it accepts (a path or not, a port
// required or not).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm {

struct HttpUrl {
  bool https = false;
  std::string host;         // as written; an IPv6 literal without its brackets
  std::uint16_t port = 80;  // the scheme's default when the URL names none
  bool explicit_port = false;
  std::string authority;  // host[:port] as written, without any user@ in front
  std::string target;     // everything after the authority as written ("/p?q#f"), "" when none

  // "host" or "host:port" when the port is not the scheme's default; IPv6 in brackets.
  std::string host_header() const;
};

// Splits "scheme://[user@]host[:port][/path][?query][#fragment]" for scheme http or https in any
// case. On failure returns nullopt and, when `why` is given, sets it to the reason ("expected
// http:// or https://", "missing host", "port must be 1..65535", ...).
std::optional<HttpUrl> split_http_url(std::string_view url, std::string_view* why = nullptr);

// "host" or "host:port" when `port` is not the default of the scheme; IPv6 in brackets.
std::string host_header(std::string_view host, std::uint16_t port, bool https);

}  // namespace s3storm
