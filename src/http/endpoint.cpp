#include "http/endpoint.hpp"

#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::http {

Endpoint Endpoint::parse(std::string_view url) {
  const auto bad_url = [url](std::string_view why) {
    return UsageError("invalid endpoint URL '" + std::string(url) + "': " + std::string(why));
  };
  std::string_view why;
  auto split = split_http_url(url, &why);
  if (!split) throw bad_url(why);
  if (!split->target.empty() && split->target != "/") throw bad_url("unexpected path");
  Endpoint endpoint;
  endpoint.scheme = split->https ? Scheme::kHttps : Scheme::kHttp;
  endpoint.host = std::move(split->host);
  endpoint.port = split->port;
  return endpoint;
}

std::string Endpoint::host_header() const {
  return s3storm::host_header(host, port, scheme == Scheme::kHttps);
}

}  // namespace s3storm::http
