// The whole target in-process, as `endpoint: embedded` uses it: signed requests from several
// threads at once, events handed to the sink, every one delivered by stop().

#include "target/embedded_target.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "target/crypto.hpp"
#include "util/hex.hpp"

namespace s3storm::target {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// A keep-alive client that signs each request like an SDK would.
class SigningClient {
 public:
  explicit SigningClient(std::uint16_t port)
      : host_("127.0.0.1:" + std::to_string(port)),
        signer_({std::string(kDefaultAccessKey), std::string(kDefaultSecretKey), {}}, "us-east-1",
                "s3"),
        stream_(io_) {
    stream_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  bhttp::response<bhttp::string_body> send(const std::string& method, const std::string& path,
                                           const std::string& query, const std::string& body,
                                           const std::string& range = {}) {
    const std::string payload_hash = sigv4::sha256_hex(body);
    std::vector<sigv4::Header> headers{{"host", host_}};
    if (!range.empty()) headers.push_back({"range", range});
    const auto& signed_request =
        signer_.sign({method, path, query, headers, payload_hash},
                     sigv4::AmzDate::from_time(std::chrono::system_clock::now()));
    bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method),
                                               query.empty() ? path : path + "?" + query, 11};
    request.set(bhttp::field::host, host_);
    if (!range.empty()) request.set(bhttp::field::range, range);
    request.set("x-amz-date", signed_request.amz_date);
    request.set("x-amz-content-sha256", signed_request.content_sha256);
    request.set(bhttp::field::authorization, signed_request.authorization);
    request.body() = body;
    request.prepare_payload();
    bhttp::write(stream_, request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(stream_, buffer_, response);
    return response;
  }

 private:
  std::string host_;
  sigv4::Signer signer_;
  boost::asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

TEST(EmbeddedTarget, ConcurrentPutsEachDeliverOneEventToTheSink) {
  std::mutex mutex;
  std::vector<std::string> messages;
  EmbeddedTarget target;
  target.set_event_sink([&](std::string json) {
    std::lock_guard lock(mutex);
    messages.push_back(std::move(json));
  });
  TargetOptions options;
  options.threads = 2;
  target.start(options);
  ASSERT_NE(target.port(), 0);
  EXPECT_EQ(target.endpoint(), "http://127.0.0.1:" + std::to_string(target.port()));

  SigningClient setup(target.port());
  ASSERT_EQ(setup.send("PUT", "/events", "", "").result_int(), 200);
  const std::string configuration =
      "<NotificationConfiguration><QueueConfiguration><Id>all</Id>"
      "<Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:ObjectCreated:*</Event>"
      "</QueueConfiguration></NotificationConfiguration>";
  ASSERT_EQ(setup.send("PUT", "/events", "notification=", configuration).result_int(), 200);

  constexpr int kThreads = 4;
  constexpr int kPutsPerThread = 50;
  std::vector<std::thread> threads;
  std::array<int, kThreads> failures{};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SigningClient client(target.port());
      for (int i = 0; i < kPutsPerThread; ++i) {
        const std::string key = "t" + std::to_string(t) + "/k" + std::to_string(i);
        if (client.send("PUT", "/events/" + key, "", "body of " + key).result_int() != 200) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0);

  const auto ranged = setup.send("GET", "/events/t1/k7", "", "", "bytes=8-12");
  EXPECT_EQ(ranged.result_int(), 206);
  EXPECT_EQ(ranged.body(), "t1/k7");
  // The PUT sent no Content-Type: S3's default comes back. The ETag is the body's MD5, quoted.
  EXPECT_EQ(ranged[bhttp::field::content_type], "binary/octet-stream");
  EXPECT_EQ(ranged[bhttp::field::etag], "\"" + hex::encode(md5("body of t1/k7")) + "\"");
  EXPECT_EQ(setup.send("GET", "/events/missing", "", "").result_int(), 404);

  target.stop();
  const auto counters = target.counters();
  EXPECT_EQ(counters.events_emitted, static_cast<std::uint64_t>(kThreads * kPutsPerThread));
  EXPECT_EQ(counters.delivery.delivered, counters.events_emitted);
  std::set<std::string> keys;
  for (const auto& message : messages) {
    const auto record = nlohmann::json::parse(message)["Records"][0];
    EXPECT_EQ(record["eventName"], "ObjectCreated:Put");
    EXPECT_EQ(record["s3"]["configurationId"], "all");
    keys.insert(record["s3"]["object"]["key"].get<std::string>());
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kThreads * kPutsPerThread));
  EXPECT_EQ(messages.size(), keys.size());
}

TEST(EmbeddedTarget, StartFailsCleanlyOnABusyPort) {
  EmbeddedTarget first;
  first.start({});
  TargetOptions same;
  same.port = first.port();
  EmbeddedTarget second;
  EXPECT_THROW(second.start(same), std::runtime_error);
  EXPECT_EQ(second.port(), 0);
}

}  // namespace
}  // namespace s3storm::target
