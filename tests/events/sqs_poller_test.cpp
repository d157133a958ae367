// The SQS poller against fauxqs (a third-party SQS emulator) and against a small fake that
// verifies SigV4, for what fauxqs does not check (credentials).
#include "events/sqs_poller.hpp"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "events/matcher.hpp"
#include "http/server.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/verifier.hpp"
#include "sqs_test_support.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {
namespace {

using namespace std::chrono_literals;
using testing::FauxqsProcess;

const sigv4::Credentials kCredentials{"AKIDSQSPOLLER", "poller-secret", ""};

template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return predicate();
}

std::string s3_event(std::string_view name, std::string_view key) {
  return nlohmann::json{
      {"Records",
       {{{"eventVersion", "2.1"},
         {"eventSource", "aws:s3"},
         {"eventName", name},
         {"s3",
          {{"bucket", {{"name", "poll-bucket"}}}, {"object", {{"key", key}, {"size", 5}}}}}}}}}
      .dump();
}

std::string sns_wrapped(const std::string& event) {
  return nlohmann::json{{"Type", "Notification"},
                        {"MessageId", "m"},
                        {"TopicArn", "arn:aws:sns:us-east-1:000000000000:t"},
                        {"Message", event}}
      .dump();
}

class SqsPollerFauxqs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fauxqs_ = new FauxqsProcess(); }
  static void TearDownTestSuite() {
    delete fauxqs_;
    fauxqs_ = nullptr;
  }
  static FauxqsProcess* fauxqs_;
};
FauxqsProcess* SqsPollerFauxqs::fauxqs_ = nullptr;

// Several pollers, many events in batches, raw and SNS-wrapped: every expected event delivered
// exactly once (deletion works across pollers), the test event counted apart, the queue empty.
TEST_F(SqsPollerFauxqs, ParallelPollersDeliverEveryEventOnceAndEmptyTheQueue) {
  const std::string url = fauxqs_->create_queue("poller-parallel");
  constexpr int kEvents = 300;
  Matcher matcher;
  std::vector<std::string> bodies;
  const auto now = Clock::now();
  for (int i = 0; i < kEvents; ++i) {
    const std::string key = fmt::format("obj-{}", i);
    const bool put = i % 3 != 0;
    matcher.expect("poll-bucket", key,
                   put ? EventKind::kObjectCreatedPut : EventKind::kObjectRemovedDelete, now);
    const std::string event = s3_event(put ? "ObjectCreated:Put" : "ObjectRemoved:Delete", key);
    bodies.push_back(i % 2 == 0 ? event : sns_wrapped(event));
  }
  bodies.push_back(R"({"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"poll-bucket"})");
  fauxqs_->send(url, bodies);

  SqsOptions options;
  options.queue_url = url;
  options.region = "eu-west-1";  // the URL's own region wins
  options.credentials = kCredentials;
  options.pollers = 4;
  options.wait = 1s;
  SqsPoller poller(options, matching_sink(matcher));
  EXPECT_EQ(poller.region(), "us-east-1");
  poller.start();
  ASSERT_TRUE(eventually([&] { return matcher.observed_count() >= kEvents; }));
  ASSERT_TRUE(eventually([&] { return poller.counters().messages_deleted >= kEvents + 1; }));
  EXPECT_EQ(fauxqs_->depth(url), 0);
  poller.stop();

  const auto c = poller.counters();
  EXPECT_EQ(c.messages_received, kEvents + 1u);
  EXPECT_EQ(c.messages_deleted, kEvents + 1u);
  EXPECT_EQ(c.records, static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(c.test_events, 1u);
  EXPECT_EQ(c.parse_failures, 0u);
  EXPECT_EQ(c.delete_failures, 0u);
  EXPECT_EQ(c.receive_error_total(), 0u);
  const auto summary = matcher.summarize();
  EXPECT_EQ(summary.total_expected(), static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(summary.total_delivered(), static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(summary.total_missing(), 0u);
  EXPECT_EQ(summary.total_duplicate(), 0u);
  EXPECT_EQ(summary.total_unexpected(), 0u);
  EXPECT_EQ(summary.test_events, 1u);
}

TEST_F(SqsPollerFauxqs, StopCutsALongPollInFlight) {
  const std::string url = fauxqs_->create_queue("poller-idle");
  SqsOptions options;
  options.queue_url = url;
  options.credentials = kCredentials;
  options.pollers = 2;
  options.wait = 20s;
  std::atomic<int> deliveries{0};
  SqsPoller poller(options, [&](const Notification&, TimePoint) { ++deliveries; });
  poller.start();
  std::this_thread::sleep_for(300ms);  // both pollers are now in a 20 s long poll
  const auto before = std::chrono::steady_clock::now();
  poller.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  EXPECT_EQ(deliveries.load(), 0);
  EXPECT_EQ(poller.counters().receive_error_total(), 0u);
}

TEST_F(SqsPollerFauxqs, ArrivalIsWhenTheReceiveAnswered) {
  const std::string url = fauxqs_->create_queue("poller-arrival");
  SqsOptions options;
  options.queue_url = url;
  options.credentials = kCredentials;
  options.wait = 20s;
  std::mutex mutex;
  std::vector<TimePoint> arrivals;
  SqsPoller poller(options, [&](const Notification&, TimePoint arrival) {
    std::lock_guard lock(mutex);
    arrivals.push_back(arrival);
  });
  poller.start();
  std::this_thread::sleep_for(200ms);
  const auto sent = Clock::now();
  fauxqs_->send(url, {s3_event("ObjectCreated:Put", "late")});
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return !arrivals.empty();
  }));
  poller.stop();
  std::lock_guard lock(mutex);
  EXPECT_GE(arrivals.front(), sent);
  EXPECT_LE(arrivals.front(), Clock::now());
}

// A stand-in for SQS that checks every request's SigV4 signature and answers like SQS does for
// bad credentials; a good request gets an empty long-poll answer.
class VerifyingFakeSqs {
 public:
  // With `serve_messages`, the first good ReceiveMessage returns an S3 event and a foreign message.
  explicit VerifyingFakeSqs(bool serve_messages = false)
      : serve_messages_(serve_messages),
        verifier_([](std::string_view key) -> const std::string* {
          return key == kCredentials.access_key_id ? &kCredentials.secret_access_key : nullptr;
        }),
        server_({}, [this](const http::ServerRequest& request, http::ServerResponse& response) {
          handle(request, response);
        }) {
    server_.start();
  }

  std::uint16_t port() const { return server_.port(); }
  int good() const { return good_.load(); }
  int rejected() const { return rejected_.load(); }
  http::ServerRequest last_good() const {
    std::lock_guard lock(mutex_);
    return last_good_;
  }

 private:
  void handle(const http::ServerRequest& request, http::ServerResponse& response) {
    std::vector<sigv4::Header> headers;
    for (const auto& [name, value] : request.headers) headers.push_back({name, value});
    const std::string body_hash = sigv4::sha256_hex(request.body);
    sigv4::VerifyResult result;
    {
      std::lock_guard lock(mutex_);  // one Verifier, and the server may use several threads
      result = verifier_.verify({request.method, request.target, headers, body_hash},
                                std::chrono::system_clock::now());
      if (result.ok()) last_good_ = request;
    }
    response.set_header("Content-Type", "application/x-amz-json-1.0");
    if (!result.ok()) {
      ++rejected_;
      response.status = 403;
      response.body = result.status == sigv4::VerifyStatus::kUnknownAccessKey
                          ? R"({"__type":"com.amazon.coral.service#InvalidClientTokenId"})"
                          : R"({"__type":"com.amazon.coral.service#SignatureDoesNotMatch"})";
      return;
    }
    ++good_;
    if (request.header("X-Amz-Target") == "AmazonSQS.DeleteMessageBatch") {
      // The second entry fails, as a stale receipt handle would.
      response.body =
          R"({"Successful":[{"Id":"0"}],"Failed":[{"Id":"1","Code":"ReceiptHandleIsInvalid","SenderFault":true}]})";
      return;
    }
    if (serve_messages_ && !served_.exchange(true)) {
      response.body =
          nlohmann::json{
              {"Messages",
               {{{"MessageId", "1"},
                 {"ReceiptHandle", "r1"},
                 {"Body", s3_event("ObjectCreated:Put", "k")}},
                {{"MessageId", "2"}, {"ReceiptHandle", "r2"}, {"Body", "not an S3 event"}}}}}
              .dump();
      return;
    }
    std::this_thread::sleep_for(20ms);  // a short "long poll", so good pollers do not spin
    response.body = "{}";
  }

  const bool serve_messages_;
  std::atomic<bool> served_{false};
  mutable std::mutex mutex_;
  sigv4::Verifier verifier_;
  http::ServerRequest last_good_;
  std::atomic<int> good_{0};
  std::atomic<int> rejected_{0};
  http::Server server_;
};

TEST(SqsPollerSigning, RequestsAreSignedForSqsInTheQueueRegionWithTheQueueHost) {
  VerifyingFakeSqs fake;
  const std::string url =
      fmt::format("http://sqs.ap-southeast-2.127.0.0.1:{}/123456789012/signed", fake.port());
  SqsOptions options;
  options.queue_url = url;
  options.credentials = kCredentials;
  options.wait = 1s;
  options.visibility = 30s;
  SqsPoller poller(options, [](const Notification&, TimePoint) {});
  poller.start();
  ASSERT_TRUE(eventually([&] { return poller.counters().receives >= 2; }));
  poller.stop();
  EXPECT_EQ(fake.rejected(), 0);
  EXPECT_GE(fake.good(), 2);
  EXPECT_EQ(poller.counters().receive_error_total(), 0u);

  const auto request = fake.last_good();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/");
  EXPECT_EQ(request.header("Host"), fmt::format("sqs.ap-southeast-2.127.0.0.1:{}", fake.port()));
  EXPECT_EQ(request.header("X-Amz-Target"), "AmazonSQS.ReceiveMessage");
  EXPECT_EQ(request.header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_THAT(std::string(request.header("Authorization")),
              ::testing::HasSubstr("/ap-southeast-2/sqs/aws4_request"));
  EXPECT_THAT(std::string(request.header("Authorization")),
              ::testing::HasSubstr("SignedHeaders=content-type;host;x-amz-date;x-amz-target"));
  const auto body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["QueueUrl"], url);
  EXPECT_EQ(body["MaxNumberOfMessages"], 10);
  EXPECT_EQ(body["WaitTimeSeconds"], 1);
  EXPECT_EQ(body["VisibilityTimeout"], 30);
}

TEST(SqsPollerSigning, BadCredentialsAreCountedByCodeAndRetriedWithBackoff) {
  VerifyingFakeSqs fake;
  const std::string url = fmt::format("http://127.0.0.1:{}/123456789012/q", fake.port());
  for (const auto& [credentials, code] :
       {std::pair{sigv4::Credentials{"AKIDUNKNOWN", "x", ""}, "InvalidClientTokenId"},
        std::pair{sigv4::Credentials{kCredentials.access_key_id, "wrong", ""},
                  "SignatureDoesNotMatch"}}) {
    SqsOptions options;
    options.queue_url = url;
    options.credentials = credentials;
    options.pollers = 2;
    options.backoff_base = 20ms;
    options.backoff_max = 100ms;
    SqsPoller poller(options, [](const Notification&, TimePoint) {});
    poller.start();
    ASSERT_TRUE(eventually([&] { return poller.counters().receive_errors[code] >= 6; })) << code;
    std::this_thread::sleep_for(500ms);
    const auto before = std::chrono::steady_clock::now();
    poller.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
    const auto c = poller.counters();
    EXPECT_EQ(c.receive_errors.size(), 1u);
    // Two pollers backing off up to 100 ms make at most a few dozen calls in this time; without
    // the backoff they would make thousands on loopback.
    EXPECT_LT(c.receive_errors.at(code), 200u) << code;
    EXPECT_EQ(c.receives, 0u);
  }
  EXPECT_EQ(fake.good(), 0);
}

TEST(SqsPollerErrors, ForeignMessagesAndFailedDeletesAreCounted) {
  VerifyingFakeSqs fake(/*serve_messages=*/true);
  SqsOptions options;
  options.queue_url = fmt::format("http://127.0.0.1:{}/123456789012/q", fake.port());
  options.region = "eu-west-1";
  options.credentials = kCredentials;
  std::atomic<int> records{0};
  SqsPoller poller(options, [&](const Notification& n, TimePoint) {
    records += static_cast<int>(n.records.size());
  });
  poller.start();
  ASSERT_TRUE(eventually([&] { return poller.counters().delete_failures >= 1; }));
  poller.stop();
  const auto c = poller.counters();
  EXPECT_EQ(records.load(), 1);
  EXPECT_EQ(c.messages_received, 2u);
  EXPECT_EQ(c.records, 1u);
  EXPECT_EQ(c.parse_failures, 1u);  // the foreign message is deleted too, not read forever
  EXPECT_EQ(c.messages_deleted, 1u);
  EXPECT_EQ(c.delete_failures, 1u);
  EXPECT_EQ(c.delete_errors.at("ReceiptHandleIsInvalid"), 1u);
  // No region in the URL: the configured one signs.
  EXPECT_THAT(std::string(fake.last_good().header("Authorization")),
              ::testing::HasSubstr("/eu-west-1/sqs/aws4_request"));
}

TEST(SqsPollerErrors, UnreachableQueueIsCountedAndStopStaysPrompt) {
  // A port that was free a moment ago: nothing listens there.
  std::uint16_t port = 0;
  {
    http::Server probe({}, [](const http::ServerRequest&, http::ServerResponse&) {});
    probe.start();
    port = probe.port();
  }
  SqsOptions options;
  options.queue_url = fmt::format("http://127.0.0.1:{}/000000000000/q", port);
  options.credentials = kCredentials;
  options.backoff_base = 50ms;
  options.backoff_max = 2s;
  SqsPoller poller(options, [](const Notification&, TimePoint) {});
  poller.start();
  ASSERT_TRUE(eventually([&] { return poller.counters().receive_errors["connect_failed"] >= 3; }));
  const auto before = std::chrono::steady_clock::now();
  poller.stop();  // most likely during a backoff wait
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
}

TEST(SqsPollerOptions, BadOptionsAreUsageErrors) {
  const auto make = [](auto change) {
    SqsOptions options;
    options.queue_url = "http://127.0.0.1:1/0/q";
    change(options);
    return SqsPoller(options, [](const Notification&, TimePoint) {});
  };
  EXPECT_THROW(make([](SqsOptions& o) { o.queue_url = "nope"; }), UsageError);
  EXPECT_THROW(make([](SqsOptions& o) { o.pollers = 0; }), UsageError);
  EXPECT_THROW(make([](SqsOptions& o) { o.wait = 21s; }), UsageError);
  EXPECT_THROW(make([](SqsOptions& o) { o.max_messages = 11; }), UsageError);
  EXPECT_THROW(make([](SqsOptions& o) { o.visibility = -1s; }), UsageError);
  EXPECT_NO_THROW(make([](SqsOptions&) {}));
}

}  // namespace
}  // namespace s3storm::events
