#include "target/request_target.hpp"

#include "sigv4/uri_encoding.hpp"

namespace s3storm::target {

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
  out.raw_path = target.substr(0, question);
  if (question != std::string_view::npos) out.raw_query = target.substr(question + 1);

  std::string_view rest = out.raw_query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    out.query.emplace_back(sigv4::uri_decode(pair.substr(0, eq), true),
                           eq == std::string_view::npos
                               ? std::string{}
                               : sigv4::uri_decode(pair.substr(eq + 1), true));
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
    out.virtual_hosted = true;
    out.key = sigv4::uri_decode(path, false);
  } else {
    const auto slash = path.find('/');
    out.bucket = sigv4::uri_decode(path.substr(0, slash), false);
    if (slash != std::string_view::npos) out.key = sigv4::uri_decode(path.substr(slash + 1), false);
  }
  return out;
}

}  // namespace s3storm::target
