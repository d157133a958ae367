#include "events/sqs_queue_url.hpp"

#include <cctype>

#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {

namespace {

[[noreturn]] void bad_queue_url(std::string_view url, std::string_view why) {
  throw UsageError("invalid SQS queue URL '" + std::string(url) + "': " + std::string(why) +
                   " (expected https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)");
}

bool is_ipv4_literal(std::string_view text) {
  int parts = 0;
  while (true) {
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      ++digits;
    }
    if (digits == 0 || digits > 3) return false;
    ++parts;
    text.remove_prefix(digits);
    if (text.empty()) return parts == 4;
    if (text.front() != '.') return false;
    text.remove_prefix(1);
  }
}

// The IPv4 literal a host name ends with ("sqs.us-east-1.127.0.0.1" -> "127.0.0.1"), or empty.
std::string_view trailing_ipv4(std::string_view host) {
  std::size_t dots = 0;
  for (std::size_t i = host.size(); i-- > 0;) {
    if (host[i] != '.') continue;
    if (++dots == 4) {
      const auto tail = host.substr(i + 1);
      return is_ipv4_literal(tail) ? tail : std::string_view{};
    }
  }
  return {};
}

// AWS region names: "us-east-1", "eu-west-1", "us-gov-west-1", "ap-southeast-2".
bool looks_like_region(std::string_view text) {
  if (text.size() < 4 || text.find('-') == std::string_view::npos) return false;
  if (!std::isdigit(static_cast<unsigned char>(text.back()))) return false;
  for (char c : text) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

SqsQueueAddress parse_sqs_queue_url(std::string_view url) {
  if (url.find_first_of("?# \t") != std::string_view::npos) {
    bad_queue_url(url, "unexpected query, fragment or space");
  }
  std::string_view why;
  const auto split = split_http_url(url, &why);
  if (!split) bad_queue_url(url, why);
  if (split->target.size() < 2) bad_queue_url(url, "no queue path");
  SqsQueueAddress out;
  out.queue_url = std::string(url);
  out.connect.scheme = split->https ? http::Scheme::kHttps : http::Scheme::kHttp;
  out.connect.host = split->host;
  out.connect.port = split->port;
  out.host_header = split->host_header();

  const std::string host = out.connect.host;
  if (const auto literal = trailing_ipv4(host); !literal.empty()) {
    out.connect.host = std::string(literal);
  } else if (host.ends_with(".localhost")) {
    out.connect.host = "127.0.0.1";
  }
  if (host.starts_with("sqs.")) {
    const auto rest = std::string_view(host).substr(4);
    const auto label = rest.substr(0, rest.find('.'));
    if (label.size() < rest.size() && looks_like_region(label)) out.region = std::string(label);
  }
  return out;
}

std::string sqs_region(const SqsQueueAddress& address, std::string_view fallback) {
  return address.region ? *address.region : std::string(fallback);
}

}  // namespace s3storm::events
