#pragma once

// One HTTP request, waited for, through the project's client (http::ConnectionPool on a private
// io_context): the credential endpoints (STS, the container agent) are called once per refresh.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace s3storm::aws_config {

struct HttpCall {
  std::string method = "GET";
  std::string url;  // http(s)://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string ca_file;  // for https: trust this bundle instead of the system store
  std::chrono::milliseconds timeout{10'000};
};

struct HttpAnswer {
  unsigned status = 0;
  std::string body;
};

// Throws CredentialError saying what failed (connect, timeout, ...), naming the URL's host only:
// a URL's query may carry a token.
HttpAnswer call_http(const HttpCall& call);

}  // namespace s3storm::aws_config
