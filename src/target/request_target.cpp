#include "target/request_target.hpp"

namespace s3storm::target {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void append_strict_encoded(std::string& out, std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '.' || c == '~' ||
        (c == '/' && keep_slash)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
}

bool RequestTarget::has(std::string_view name) const {
  for (const auto& [n, v] : query) {
    if (n == name) return true;
  }
  return false;
}

std::string_view RequestTarget::get(std::string_view name) const {
  for (const auto& [n, v] : query) {
    if (n == name) return v;
  }
  return {};
}

RequestTarget parse_request_target(std::string_view target, std::string_view host,
                                   std::string_view virtual_host_suffix) {
  RequestTarget out;
  const auto question = target.find('?');
  out.raw_path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.raw_query = std::string(target.substr(question + 1));

  std::string_view rest = out.raw_query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    out.query.emplace_back(
        percent_decode(pair.substr(0, eq), true),
        eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true));
  }

  std::string_view host_name = host;
  const auto colon = host.rfind(':');
  const auto bracket = host.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host_name = host.substr(0, colon);  // drop the port
  }
  std::string_view path = out.raw_path;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);

  std::string virtual_bucket;
  if (!virtual_host_suffix.empty() && host_name.size() > virtual_host_suffix.size() + 1 &&
      host_name.substr(host_name.size() - virtual_host_suffix.size()) == virtual_host_suffix &&
      host_name[host_name.size() - virtual_host_suffix.size() - 1] == '.') {
    virtual_bucket = host_name.substr(0, host_name.size() - virtual_host_suffix.size() - 1);
  }
  if (!virtual_bucket.empty()) {
    out.bucket = virtual_bucket;
    out.key = percent_decode(path, false);
  } else {
    const auto slash = path.find('/');
    out.bucket = percent_decode(path.substr(0, slash), false);
    if (slash != std::string_view::npos) out.key = percent_decode(path.substr(slash + 1), false);
  }
  return out;
}

}  // namespace s3storm::target
