#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "events/sns_subscription.hpp"
#include "events/webhook_receiver.hpp"
#include "http/server.hpp"
#include "loopback_client.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackClient;

std::string s3_event(const std::string& name, const std::string& key) {
  return R"({"Records":[{"eventSource":"aws:s3","eventName":")" + name +
         R"(","s3":{"bucket":{"name":"b"},"object":{"key":")" + key +
         R"(","size":3,"eTag":"abc"}}}]})";
}

WebhookOptions loopback_options() {
  WebhookOptions options;
  options.listen = "127.0.0.1:0";
  return options;
}

std::uint64_t rejects(const WebhookReceiver& receiver, int status) {
  const auto counters = receiver.counters();
  const auto it = counters.rejects.find(status);
  return it == counters.rejects.end() ? 0 : it->second;
}

TEST(Webhook, GoodPayloadsOfEveryShapeAreMatchedOnOneConnection) {
  Matcher matcher;
  const auto done = Clock::now();
  matcher.expect("b", "k 1", EventKind::kObjectCreatedPut, done);
  matcher.expect("b", "k2", EventKind::kObjectCreatedCopy, done);
  matcher.expect("b", "k3", EventKind::kObjectRemovedDelete, done);
  WebhookReceiver receiver(loopback_options(), matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  ASSERT_NE(receiver.port(), 0);

  LoopbackClient client(receiver.port());
  EXPECT_EQ(client.post(s3_event("ObjectCreated:Put", "k+1")), 200);
  EXPECT_EQ(client.post(R"({"EventName":"s3:ObjectCreated:Copy","Key":"b/k2","Records":)" +
                        s3_event("s3:ObjectCreated:Copy", "k2").substr(11)),
            200);
  std::string inner = s3_event("ObjectRemoved:Delete", "k3");
  std::string escaped;
  for (char c : inner) {
    if (c == '"') escaped.push_back('\\');
    escaped.push_back(c);
  }
  EXPECT_EQ(client.post(R"({"Type":"Notification","Message":")" + escaped + "\"}"), 200);
  EXPECT_EQ(client.post(R"({"Service":"Amazon S3","Event":"s3:TestEvent"})"), 200);

  const auto summary = matcher.summarize();
  EXPECT_EQ(summary.total_delivered(), 3u);
  EXPECT_EQ(summary.total_missing() + summary.total_unexpected(), 0u);
  EXPECT_EQ(summary.test_events, 1u);
  const auto counters = receiver.counters();
  EXPECT_EQ(counters.deliveries, 4u);
  EXPECT_EQ(counters.records, 3u);
  EXPECT_EQ(counters.test_events, 1u);
  EXPECT_TRUE(counters.rejects.empty());
}

TEST(Webhook, MalformedJsonIs400AndTheReceiverKeepsServing) {
  Matcher matcher;
  WebhookReceiver receiver(loopback_options(), matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  LoopbackClient client(receiver.port());
  EXPECT_EQ(client.post("{\"Records\":["), 400);
  EXPECT_EQ(client.post("{\"Records\":[{\"eventName\":1}]}"), 400);
  EXPECT_EQ(client.post(s3_event("ObjectCreated:Put", "after")), 200);
  EXPECT_EQ(rejects(receiver, 400), 2u);
  EXPECT_EQ(matcher.observed_count(), 1u);
}

TEST(Webhook, HugeBodyIs413AndOthersAreStillServed) {
  Matcher matcher;
  auto options = loopback_options();
  options.body_limit = 4096;
  WebhookReceiver receiver(options, matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  {
    LoopbackClient client(receiver.port());
    EXPECT_EQ(client.post(s3_event("ObjectCreated:Put", std::string(8000, 'x'))), 413);
  }
  LoopbackClient next(receiver.port());
  EXPECT_EQ(next.post(s3_event("ObjectCreated:Put", "small")), 200);
  EXPECT_EQ(rejects(receiver, 413), 1u);
  EXPECT_EQ(matcher.observed_count(), 1u);
}

TEST(Webhook, MissingOrWrongTokenIs401) {
  Matcher matcher;
  auto options = loopback_options();
  options.auth_token = "s3cret-token";
  WebhookReceiver receiver(options, matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  LoopbackClient client(receiver.port());
  const auto body = s3_event("ObjectCreated:Put", "k");
  EXPECT_EQ(client.post(body), 401);
  EXPECT_EQ(client.post(body, "Authorization: Bearer s3cret-tokex\r\n"), 401);
  EXPECT_EQ(client.post(body, "Authorization: Bearer s3cret\r\n"), 401);
  EXPECT_EQ(client.post(body, "Authorization: Basic s3cret-token\r\n"), 401);
  EXPECT_EQ(client.post(body, "Authorization: Bearer s3cret-token\r\n"), 200);
  EXPECT_EQ(rejects(receiver, 401), 4u);
  EXPECT_EQ(matcher.observed_count(), 1u);
}

TEST(Webhook, SlowClientIsTimedOutWithoutStoppingTheReceiver) {
  Matcher matcher;
  auto options = loopback_options();
  options.header_timeout = 200ms;
  options.body_timeout = 200ms;
  WebhookReceiver receiver(options, matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  LoopbackClient slow(receiver.port());
  slow.send_raw("POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Rec");
  const auto start = std::chrono::steady_clock::now();
  const int status = slow.read_status();
  EXPECT_TRUE(status == 408 || status == -1) << status;
  EXPECT_TRUE(slow.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);

  LoopbackClient next(receiver.port());
  EXPECT_EQ(next.post(s3_event("ObjectCreated:Put", "k")), 200);
  EXPECT_EQ(rejects(receiver, 408), 1u);
}

TEST(Webhook, OtherMethodsAre405AndProbesAre200) {
  Matcher matcher;
  WebhookReceiver receiver(loopback_options(), matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  LoopbackClient client(receiver.port());
  client.send_raw("DELETE / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(client.read_status(), 405);
  client.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.read_status(), 200);
  EXPECT_EQ(rejects(receiver, 405), 1u);
}

TEST(Webhook, NonLoopbackAddressNeedsAToken) {
  auto options = loopback_options();
  options.listen = "0.0.0.0:0";
  Matcher matcher;
  EXPECT_THROW(WebhookReceiver(options, matching_sink(matcher), confirm_by_fetching), UsageError);
  options.auth_token = "t";
  EXPECT_NO_THROW(WebhookReceiver(options, matching_sink(matcher), confirm_by_fetching));
  options.listen = "127.0.0.1";
  EXPECT_THROW(WebhookReceiver(options, matching_sink(matcher), confirm_by_fetching), UsageError);
  options.listen = "not-an-ip:80";
  EXPECT_THROW(WebhookReceiver(options, matching_sink(matcher), confirm_by_fetching), UsageError);
  options.listen = "127.0.0.1:70000";
  EXPECT_THROW(WebhookReceiver(options, matching_sink(matcher), confirm_by_fetching), UsageError);
}

std::string subscription_confirmation(std::uint16_t port) {
  return R"({"Type":"SubscriptionConfirmation","Token":"tok","TopicArn":"arn:aws:sns:x:0:t",
    "SubscribeURL":"http://127.0.0.1:)" +
         std::to_string(port) + R"(/?Action=ConfirmSubscription&Token=tok"})";
}

TEST(Webhook, SnsSubscriptionIsConfirmedOnlyWhenAskedTo) {
  std::atomic<int> confirmations{0};
  std::string seen_target;
  http::Server sns({}, [&](const http::ServerRequest& request, http::ServerResponse& response) {
    seen_target = request.target;
    ++confirmations;
    response.status = 200;
  });
  sns.start();

  Matcher matcher;
  auto off_options = loopback_options();
  off_options.sns_confirm = false;
  WebhookReceiver off(off_options, matching_sink(matcher),
                      [](const std::string& url) { fetch_subscribe_url(url); });
  off.start();
  LoopbackClient client_off(off.port());
  EXPECT_EQ(client_off.post(subscription_confirmation(sns.port())), 200);
  EXPECT_EQ(confirmations.load(), 0);
  EXPECT_EQ(off.counters().subscriptions_unconfirmed, 1u);

  auto options = loopback_options();
  options.sns_confirm = true;
  WebhookReceiver on(options, matching_sink(matcher),
                     [](const std::string& url) { fetch_subscribe_url(url, 2s); });
  on.start();
  LoopbackClient client_on(on.port());
  EXPECT_EQ(client_on.post(subscription_confirmation(sns.port())), 200);
  EXPECT_EQ(confirmations.load(), 1);
  EXPECT_EQ(seen_target, "/?Action=ConfirmSubscription&Token=tok");
  EXPECT_EQ(on.counters().subscriptions_confirmed, 1u);
}

TEST(Webhook, ParallelSendersAreAllCounted) {
  Matcher matcher;
  constexpr int kSenders = 4;
  constexpr int kPerSender = 200;
  for (int s = 0; s < kSenders; ++s) {
    for (int i = 0; i < kPerSender; ++i) {
      matcher.expect("b", "k" + std::to_string(s) + "-" + std::to_string(i),
                     EventKind::kObjectCreatedPut, Clock::now());
    }
  }
  auto options = loopback_options();
  options.threads = 2;
  WebhookReceiver receiver(options, matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      LoopbackClient client(receiver.port());
      for (int i = 0; i < kPerSender; ++i) {
        const auto key = "k" + std::to_string(s) + "-" + std::to_string(i);
        if (client.post(s3_event("ObjectCreated:Put", key)) == 200) ++ok;
      }
    });
  }
  for (auto& t : senders) t.join();
  EXPECT_EQ(ok.load(), kSenders * kPerSender);
  const auto summary = matcher.summarize();
  EXPECT_EQ(summary.total_delivered(), static_cast<std::uint64_t>(kSenders * kPerSender));
  EXPECT_EQ(summary.total_missing(), 0u);
}

}  // namespace
}  // namespace s3storm::events
