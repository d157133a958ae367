#include "http/retry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "http/connection_pool.hpp"
#include "http/server.hpp"
#include "io_helpers.hpp"

namespace s3storm::http {
namespace {

using namespace std::chrono_literals;
namespace bhttp = boost::beast::http;
using testing::run_until;

TEST(RetryPolicy, FullJitterGrowsExponentiallyUpToTheCap) {
  RetryPolicy policy{5, 100ms, 1000ms};
  // The top of the range doubles per retry...
  EXPECT_EQ(policy.backoff(1, 1.0), Clock::duration(100ms));
  EXPECT_EQ(policy.backoff(2, 1.0), Clock::duration(200ms));
  EXPECT_EQ(policy.backoff(3, 1.0), Clock::duration(400ms));
  // ...until max_delay.
  EXPECT_EQ(policy.backoff(5, 1.0), Clock::duration(1000ms));
  EXPECT_EQ(policy.backoff(60, 1.0), Clock::duration(1000ms));
  // The draw scales the whole range: full jitter, not "half plus jitter".
  EXPECT_EQ(policy.backoff(3, 0.0), Clock::duration(0));
  EXPECT_EQ(policy.backoff(3, 0.25), Clock::duration(100ms));
}

TEST(RetryPolicy, SeededSourceIsReproducibleAndInRange) {
  auto a = make_uniform_source(42);
  auto b = make_uniform_source(42);
  for (int i = 0; i < 100; ++i) {
    double x = a();
    EXPECT_EQ(x, b());
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
}

TEST(ShouldRetry, RetriesServerErrorsThrottlingAndResetsOnly) {
  EXPECT_TRUE(should_retry(Outcome::kOk, 500, ""));
  EXPECT_TRUE(should_retry(Outcome::kOk, 503, "SlowDown"));
  EXPECT_TRUE(should_retry(Outcome::kOk, 503, ""));
  EXPECT_TRUE(should_retry(Outcome::kOk, 200, "InternalError"));  // an error inside a 200 body
  EXPECT_TRUE(should_retry(Outcome::kReset, 0, ""));
  EXPECT_FALSE(should_retry(Outcome::kOk, 200, ""));
  EXPECT_FALSE(should_retry(Outcome::kOk, 404, "NoSuchKey"));
  EXPECT_FALSE(should_retry(Outcome::kOk, 403, "SignatureDoesNotMatch"));
  EXPECT_FALSE(should_retry(Outcome::kTimeout, 0, ""));
  EXPECT_FALSE(should_retry(Outcome::kConnectFailed, 0, ""));
  EXPECT_FALSE(should_retry(Outcome::kTlsFailed, 0, ""));
}

TEST(S3ErrorCode, ExtractsTheCodeElement) {
  EXPECT_EQ(s3_error_code("<?xml version=\"1.0\"?><Error><Code>SlowDown</Code>"
                          "<Message>Reduce your rate</Message></Error>"),
            "SlowDown");
  EXPECT_EQ(s3_error_code("<Error><Message>x</Message></Error>"), "");
  EXPECT_EQ(s3_error_code("<Code>unterminated"), "");
  EXPECT_EQ(s3_error_code(""), "");
}

// A server that throttles the first `failures` requests with 503 SlowDown.
struct ThrottlingServer {
  explicit ThrottlingServer(int failures)
      : server({}, [this, failures](const ServerRequest& req, ServerResponse& res) {
          std::lock_guard lock(mutex);
          bodies.push_back(req.body);
          if (calls++ < failures) {
            res.status = 503;
            res.body = "<Error><Code>SlowDown</Code></Error>";
            return;
          }
          res.body = "stored";
        }) {
    server.start();
  }
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::vector<std::string> bodies;
  Server server;
};

struct Sent {
  bool done = false;
  int attempts = 0;
  unsigned status = 0;
  Outcome outcome = Outcome::kCancelled;
};

Sent send_with_retries(ThrottlingServer& target, RetryPolicy policy, UniformSource uniform,
                       std::string_view body, RetryingSender::Decider decide = {}) {
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", target.server.port()}, {});
  RetryingSender sender(pool, io, policy, std::move(uniform), std::move(decide));
  Request request;
  prepare_request(request, bhttp::verb::put, "/b/k", "127.0.0.1", body);
  Sent sent;
  sender.async_send(request, [&](Result& r) {
    sent = {true, r.attempts, r.response.status, r.outcome};
  });
  EXPECT_TRUE(run_until(io, [&] { return sent.done; }));
  EXPECT_EQ(sender.retries(), static_cast<std::uint64_t>(sent.attempts - 1));
  return sent;
}

TEST(RetryingSender, Retries503WithBackoffThenSucceeds) {
  ThrottlingServer target(2);
  const auto start = std::chrono::steady_clock::now();
  auto sent = send_with_retries(
      target, RetryPolicy{2, 100ms, 1s}, [] { return 0.5; }, "payload");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(sent.outcome, Outcome::kOk);
  EXPECT_EQ(sent.status, 200u);
  EXPECT_EQ(sent.attempts, 3);
  // Backoffs of 0.5 * 100 ms and 0.5 * 200 ms were waited.
  EXPECT_GE(elapsed, 150ms);
  // The same body view went out every time.
  std::lock_guard lock(target.mutex);
  ASSERT_EQ(target.bodies.size(), 3u);
  for (const auto& b : target.bodies) EXPECT_EQ(b, "payload");
}

TEST(RetryingSender, GivesUpAfterMaxRetries) {
  ThrottlingServer target(100);
  auto sent = send_with_retries(
      target, RetryPolicy{2, 1ms, 1ms}, [] { return 0.0; }, "p");
  EXPECT_EQ(sent.attempts, 3);
  EXPECT_EQ(sent.status, 503u);
  EXPECT_EQ(target.calls, 3);
}

TEST(RetryingSender, DoesNotRetryWhatTheDeciderRefuses) {
  ThrottlingServer target(100);
  auto sent = send_with_retries(
      target, RetryPolicy{2, 1ms, 1ms}, [] { return 0.0; }, "p",
      [](const Result&) { return false; });
  EXPECT_EQ(sent.attempts, 1);
  EXPECT_EQ(target.calls, 1);
}

TEST(RetryingSender, RetriesAConnectionReset) {
  std::atomic<int> calls{0};
  Server server({}, [&](const ServerRequest&, ServerResponse& res) {
    if (calls++ == 0) res.reset_connection = true;
  });
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", server.port()}, {});
  RetryingSender sender(pool, io, RetryPolicy{2, 1ms, 5ms}, make_uniform_source(1));
  Request request;
  prepare_request(request, bhttp::verb::get, "/", "127.0.0.1");
  Sent sent;
  sender.async_send(request, [&](Result& r) {
    sent = {true, r.attempts, r.response.status, r.outcome};
  });
  ASSERT_TRUE(run_until(io, [&] { return sent.done; }));
  EXPECT_EQ(sent.outcome, Outcome::kOk);
  EXPECT_EQ(sent.attempts, 2);
  EXPECT_EQ(server.counters().connections, 2u);
}

}  // namespace
}  // namespace s3storm::http
