#include "util/url.hpp"

#include <charconv>

#include "util/ascii.hpp"

namespace s3storm {

namespace {

std::uint16_t default_port(bool https) {
  return https ? 443 : 80;
}

}  // namespace

std::string host_header(std::string_view host, std::uint16_t port, bool https) {
  // Built by appending: GCC 12 misreports `"x" + std::string` under -Wrestrict at -O2.
  const bool ipv6 = host.find(':') != std::string_view::npos;
  std::string out;
  if (ipv6) out += '[';
  out += host;
  if (ipv6) out += ']';
  if (port != default_port(https)) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

std::string HttpUrl::host_header() const {
  return s3storm::host_header(host, port, https);
}

std::optional<HttpUrl> split_http_url(std::string_view url, std::string_view* why) {
  const auto fail = [why](std::string_view reason) -> std::optional<HttpUrl> {
    if (why) *why = reason;
    return std::nullopt;
  };
  HttpUrl out;
  std::string_view rest;
  if (ascii::istarts_with(url, "http://")) {
    rest = url.substr(7);
  } else if (ascii::istarts_with(url, "https://")) {
    out.https = true;
    rest = url.substr(8);
  } else {
    return fail("expected http:// or https://");
  }
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority_end != std::string_view::npos) out.target = std::string(rest.substr(authority_end));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);  // user info is never sent
  }
  out.authority = std::string(authority);

  std::string_view host = authority;
  std::string_view port_text;
  bool has_colon = false;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after IPv6 address");
      has_colon = true;
      port_text = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    has_colon = true;
    port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return fail("missing host");
  out.host = std::string(host);

  out.port = default_port(out.https);
  if (has_colon) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        value == 0 || value > 65535) {
      return fail("port must be 1..65535");
    }
    out.port = static_cast<std::uint16_t>(value);
    out.explicit_port = true;
  }
  return out;
}

}  // namespace s3storm
