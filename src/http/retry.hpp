#pragma once

// Retries with full-jitter exponential backoff. The engine decides what to retry; this provides
// the policy, the default decision, and a sender that re-sends the same Request (its body view
// included, never copied) and reports how many attempts it took.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

#include "http/message.hpp"
#include "http/sender.hpp"

namespace s3storm::http {

struct RetryPolicy {
  int max_retries = 2;
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{2'000};

  // Delay before retry number `retry` (1-based): uniform in [0, min(max, base * 2^(retry-1))).
  // `uniform01` is a draw in [0, 1).
  Clock::duration backoff(int retry, double uniform01) const;
};

// The S3 <Code> of an XML error body ("SlowDown"), or empty.
std::string_view s3_error_code(std::string_view xml_body);

// Retry 500, 503, the S3 codes SlowDown and InternalError, and dropped connections. Never 4xx,
// timeouts, failed connects or TLS failures: those say something about the target to report.
bool should_retry(Outcome outcome, unsigned status, std::string_view s3_code);

// A [0, 1) source; inject a fixed one in tests.
using UniformSource = std::function<double()>;
UniformSource make_uniform_source(std::uint64_t seed);

class RetryingSender {
 public:
  using Decider = std::function<bool(const Result&)>;

  // `decide` defaults to should_retry() on the outcome, status and S3 code of the body.
  RetryingSender(Sender& sender, boost::asio::io_context& io, RetryPolicy policy,
                 UniformSource uniform, Decider decide = {});

  // One request at a time per sender (a flow owns one). `done` gets the last attempt's Result
  // with `attempts` set.
  void async_send(const Request& request, Completion done);

  std::uint64_t retries() const { return retries_; }

 private:
  void attempt();
  void on_result(Result& result);

  Sender& sender_;
  boost::asio::steady_timer timer_;
  RetryPolicy policy_;
  UniformSource uniform_;
  Decider decide_;
  const Request* request_ = nullptr;
  Completion done_;
  int attempts_ = 0;
  std::uint64_t retries_ = 0;
};

}  // namespace s3storm::http
