#include "events/listen_address.hpp"

#include <fmt/core.h>

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "util/usage_error.hpp"

namespace s3storm::events {

bool ListenAddress::is_loopback() const {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

ListenAddress parse_listen_address(std::string_view text, std::string_view what) {
  const auto fail = [&](std::string_view why) {
    return UsageError(
        fmt::format("{} \"{}\": {} (expected HOST:PORT, e.g. 127.0.0.1:9900)", what, text, why));
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) throw fail("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";

  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    throw fail("port is not a number from 0 to 65535");
  }
  boost::system::error_code parse_error;
  boost::asio::ip::make_address(std::string(host), parse_error);
  if (parse_error) throw fail("host is not an IP address");
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace s3storm::events
