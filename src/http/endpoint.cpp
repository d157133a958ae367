#include "http/endpoint.hpp"

#include <charconv>

#include "util/usage_error.hpp"

namespace s3storm::http {

namespace {

[[noreturn]] void bad_url(std::string_view url, std::string_view why) {
  throw UsageError("invalid endpoint URL '" + std::string(url) + "': " + std::string(why));
}

std::uint16_t default_port(Scheme scheme) {
  return scheme == Scheme::https ? 443 : 80;
}

}  // namespace

Endpoint Endpoint::parse(std::string_view url) {
  Endpoint endpoint;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    endpoint.scheme = Scheme::https;
    rest = url.substr(8);
  } else {
    bad_url(url, "expected http:// or https://");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) bad_url(url, "unexpected path");

  std::string_view port_text;
  if (rest.starts_with("[")) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) bad_url(url, "unterminated IPv6 address");
    endpoint.host = std::string(rest.substr(1, close - 1));
    auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad_url(url, "unexpected text after IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    auto colon = rest.rfind(':');
    endpoint.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (endpoint.host.empty()) bad_url(url, "missing host");

  endpoint.port = default_port(endpoint.scheme);
  if (!port_text.empty() || rest.ends_with(":")) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      bad_url(url, "port must be 1..65535");
    }
    endpoint.port = static_cast<std::uint16_t>(value);
  }
  return endpoint;
}

std::string Endpoint::host_header() const {
  // Built by appending: GCC 12 misreports `"x" + std::string` under -Wrestrict at -O2.
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out;
  if (ipv6) out += '[';
  out += host;
  if (ipv6) out += ']';
  if (port != default_port(scheme)) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

}  // namespace s3storm::http
