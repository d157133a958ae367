#pragma once

// One HTTP request, waited for, through http::ConnectionPool on a private io_context: for the
// calls made once in a while off the load path (STS and the container agent per credential
// refresh, an SNS SubscribeURL per subscription). The load, setup, the SQS pollers and the
// target's webhook delivery drive a pool on their own io_context; this is the same pool, with the
// wait written once.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace s3storm::http {

struct CallRequest {
  std::string method = "GET";
  std::string url;  // http(s)://host[:port]/path?query; a fragment is not sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string ca_file;  // for https: trust this bundle instead of the system store
  std::chrono::milliseconds timeout{10'000};
};

struct CallAnswer {
  unsigned status = 0;
  std::string body;
};

// What went wrong (invalid URL, connect, timeout, an unloadable CA bundle, ...), naming the
// URL's host only: a URL's query may carry a token.
class CallError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Any status is an answer; throws CallError when there is none. Certificates are verified.
CallAnswer call(const CallRequest& request);

// Runs `io` one handler at a time until `done` turns true, nothing is left to run, or `deadline`
// passes; returns `done`. run_one rather than run: a pool's idle keep-alive connection keeps its
// io_context busy after the answer.
bool run_until_done(
    boost::asio::io_context& io, const bool& done,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

}  // namespace s3storm::http
