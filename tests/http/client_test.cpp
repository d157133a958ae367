#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http/connection_pool.hpp"
#include "http/server.hpp"
#include "io_helpers.hpp"

namespace s3storm::http {
namespace {

using namespace std::chrono_literals;
using testing::run_for;
using testing::run_until;
namespace bhttp = boost::beast::http;

Endpoint local(const Server& server) {
  return Endpoint{Scheme::kHttp, "127.0.0.1", server.port()};
}

Request make_get(std::string_view target) {
  Request r;
  prepare_request(r, bhttp::verb::get, target, "127.0.0.1");
  return r;
}

// Sends one request and waits for its result; returns a copy the test may keep.
struct Captured {
  bool arrived = false;
  Outcome outcome = Outcome::kCancelled;
  unsigned status = 0;
  std::string body;
  std::uint64_t body_bytes = 0;
  bool truncated = false;
  bool reused = false;
  std::string etag;
  std::string request_id;
  std::string custom_header;
  std::optional<std::uint64_t> content_length;
  Timing timing;
  int attempts = 0;
};

Completion capture_into(Captured& c) {
  return [&c](Result& r) {
    c.arrived = true;
    c.outcome = r.outcome;
    c.status = r.response.status;
    c.body = r.response.body;
    c.body_bytes = r.response.body_bytes;
    c.truncated = r.response.body_truncated;
    c.reused = r.reused_connection;
    c.etag = r.response.etag;
    c.request_id = r.response.request_id;
    if (r.response.headers) c.custom_header = std::string((*r.response.headers)["X-Custom"]);
    c.content_length = r.response.content_length;
    c.timing = r.timing;
    c.attempts = r.attempts;
    if (r.outcome != Outcome::kOk) std::fprintf(stderr, "error: %s\n", r.error.message().c_str());
  };
}

Captured send_and_wait(boost::asio::io_context& io, ConnectionPool& pool, const Request& request) {
  Captured c;
  pool.async_send(request, capture_into(c));
  EXPECT_TRUE(run_until(io, [&] { return c.arrived; }));
  return c;
}

ServerHandler echo() {
  return [](const ServerRequest& req, ServerResponse& res) {
    res.set_header("ETag", "\"abc\"");
    res.set_header("x-amz-request-id", "REQ1");
    res.set_header("X-Custom", req.target);
    res.body = req.body.empty() ? req.target : req.body;
  };
}

// A raw loopback server that answers each request with bytes written piece by piece (the
// client's parser must cope with any split), then optionally closes the connection.
struct ScriptedReply {
  std::vector<std::string> pieces;
  bool close_after = false;
};

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<ScriptedReply> replies)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this, replies = std::move(replies)] { serve(replies); }) {}
  ~ScriptedServer() { thread_.join(); }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }

 private:
  void serve(const std::vector<ScriptedReply>& replies) {
    using boost::asio::ip::tcp;
    std::optional<tcp::socket> socket;
    boost::system::error_code ec;
    for (const auto& reply : replies) {
      if (!socket) {
        socket.emplace(acceptor_.accept());
        socket->set_option(tcp::no_delay(true));
        ++connections_;
      }
      std::string request;
      char chunk[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const std::size_t n = socket->read_some(boost::asio::buffer(chunk), ec);
        if (ec) return;
        request.append(chunk, n);
      }
      for (const auto& piece : reply.pieces) {
        boost::asio::write(*socket, boost::asio::buffer(piece), ec);
        std::this_thread::sleep_for(15ms);
      }
      if (reply.close_after) {
        socket->shutdown(tcp::socket::shutdown_both, ec);
        socket->close(ec);
        socket.reset();
      }
    }
    // Wait for the client to hang up, so the last reply is never cut short.
    char rest[256];
    while (socket && !ec) socket->read_some(boost::asio::buffer(rest), ec);
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

TEST(ConnectionPool, ParsesAResponseSplitAnywhereAndKeepsTheConnection) {
  ScriptedServer server(
      {{{"HTTP/1.1 20", "0 OK\r\nETag: \"e1\"\r\nX-Amz-Req",
         "uest-Id: R9\r\nx-custom: one\r\nContent-Length: 10\r\n\r", "\n01234", "56789"}},
       {{"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!"}}});
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", server.port()}, {});
  auto request = make_get("/split");
  auto c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_EQ(c.status, 200u);
  EXPECT_EQ(c.etag, "\"e1\"");
  EXPECT_EQ(c.request_id, "R9");
  EXPECT_EQ(c.custom_header, "one");  // header names compare case-insensitively
  EXPECT_EQ(c.content_length, 10u);
  EXPECT_EQ(c.body, "0123456789");
  EXPECT_EQ(c.body_bytes, 10u);
  c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.status, 404u);
  EXPECT_EQ(c.body, "no!");
  EXPECT_TRUE(c.reused);
  EXPECT_EQ(c.etag, "");  // nothing left over from the previous response
  EXPECT_EQ(c.custom_header, "");
}

TEST(ConnectionPool, ReadsChunkedBodiesAndBodiesEndedByTheServerClosing) {
  ScriptedServer server({{{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                           "lo\r\n6\r\n world\r\n0\r\n\r\n"}},
                         {{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil ", "the end"}, true},
                         {{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ntoo short"}, true},
                         {{"HTTP/1.1 204 No Content\r\n\r\n"}}});
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", server.port()}, {});
  auto request = make_get("/body");
  auto c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_EQ(c.body, "hello world");
  c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_TRUE(c.reused);
  EXPECT_EQ(c.body, "until the end");
  // A body cut short by the close is a reset, not a short success.
  c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kReset);
  EXPECT_FALSE(c.reused);
  c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_EQ(c.status, 204u);
  EXPECT_EQ(server.connections(), 3);
}

// The http_response fuzz target's seed continue-then-200 ended as a "100" answer and a closed
// connection: an interim response is now skipped, in one read or split from the final one.
TEST(ConnectionPool, SkipsInterimResponsesBeforeTheFinalOne) {
  ScriptedServer server(
      {{{"HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: "
         "2\r\n\r\nok"}},
       {{"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n",
         "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!"}}});
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", server.port()}, {});
  auto request = make_get("/interim");
  auto c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_EQ(c.status, 200u);
  EXPECT_EQ(c.body, "ok");
  c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_EQ(c.status, 404u);
  EXPECT_EQ(c.body, "no!");
  EXPECT_TRUE(c.reused);
  EXPECT_EQ(server.connections(), 1);
}

TEST(ConnectionPool, ReusesOneKeepAliveConnection) {
  Server server({}, echo());
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, local(server), {});
  for (int i = 0; i < 10; ++i) {
    auto request = make_get("/item-" + std::to_string(i));
    auto c = send_and_wait(io, pool, request);
    EXPECT_EQ(c.outcome, Outcome::kOk);
    EXPECT_EQ(c.status, 200u);
    EXPECT_EQ(c.body, "/item-" + std::to_string(i));
    EXPECT_EQ(c.etag, "\"abc\"");
    EXPECT_EQ(c.request_id, "REQ1");
    EXPECT_EQ(c.custom_header, "/item-" + std::to_string(i));
    EXPECT_EQ(c.reused, i > 0);
    EXPECT_LE(c.timing.queued, c.timing.written);
    EXPECT_LE(c.timing.written, c.timing.first_byte);
    EXPECT_LE(c.timing.first_byte, c.timing.complete);
  }
  EXPECT_EQ(server.counters().connections, 1u);
  EXPECT_EQ(pool.stats().connections_opened, 1u);
  EXPECT_EQ(pool.stats().reused, 9u);
}

TEST(ConnectionPool, QueuesConcurrentRequestsOverAtMostMaxConnections) {
  ServerOptions sopts;
  sopts.threads = 2;
  Server server(sopts, [](const ServerRequest& req, ServerResponse& res) {
    std::this_thread::sleep_for(2ms);
    res.body = req.target;
  });
  server.start();
  boost::asio::io_context io;
  PoolOptions options;
  options.max_connections = 4;
  ConnectionPool pool(io, local(server), options);

  constexpr int kRequests = 60;
  std::vector<Request> requests;
  requests.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) requests.push_back(make_get("/r" + std::to_string(i)));
  int ok = 0;
  int done = 0;
  std::vector<int> order;
  for (int i = 0; i < kRequests; ++i) {
    pool.async_send(requests[i], [&, i](Result& r) {
      ++done;
      if (r.outcome == Outcome::kOk && r.response.body == "/r" + std::to_string(i)) ++ok;
    });
  }
  ASSERT_TRUE(run_until(io, [&] { return done == kRequests; }));
  EXPECT_EQ(ok, kRequests);
  EXPECT_EQ(server.counters().connections, 4u);
  EXPECT_EQ(pool.stats().queued, static_cast<std::uint64_t>(kRequests - 4));
  EXPECT_EQ(pool.open_connections(), 4u);
}

TEST(ConnectionPool, AClosedLoopDoesNotGrowThePool) {
  Server server({}, echo());
  server.start();
  boost::asio::io_context io;
  PoolOptions options;
  options.max_connections = 8;
  ConnectionPool pool(io, local(server), options);
  auto request = make_get("/loop");
  int remaining = 200;
  std::function<void(Result&)> again = [&](Result& r) {
    EXPECT_EQ(r.outcome, Outcome::kOk);
    if (--remaining > 0) pool.async_send(request, again);
  };
  pool.async_send(request, again);
  ASSERT_TRUE(run_until(io, [&] { return remaining == 0; }));
  EXPECT_EQ(server.counters().connections, 1u);
}

TEST(ConnectionPool, RequestsQueuedFromACallbackStillUseFreeConnectionSlots) {
  ServerOptions sopts;
  sopts.threads = 2;
  Server server(sopts,
                [](const ServerRequest&, ServerResponse&) { std::this_thread::sleep_for(100ms); });
  server.start();
  boost::asio::io_context io;
  PoolOptions options;
  options.max_connections = 3;
  ConnectionPool pool(io, local(server), options);
  auto request = make_get("/fan-out");
  int done = 0;
  pool.async_send(request, [&](Result&) {
    ++done;
    // Fan out three requests from inside a completion: one reuses this connection, two open more.
    for (int i = 0; i < 3; ++i) pool.async_send(request, [&](Result&) { ++done; });
  });
  ASSERT_TRUE(run_until(io, [&] { return done == 1; }));
  EXPECT_EQ(pool.open_connections(), 3u);
  ASSERT_TRUE(run_until(io, [&] { return done == 4; }));
}

TEST(ConnectionPool, SendsTheBodyViewIntactWithoutCopying) {
  // One shared payload; each request carries a slice of it.
  std::string payload(1 << 20, '\0');
  std::mt19937 rng(7);
  for (auto& ch : payload) ch = static_cast<char>(rng());
  Server server({}, [&](const ServerRequest& req, ServerResponse& res) {
    auto offset = std::stoul(req.target.substr(1));
    const bool same = req.body == std::string_view(payload).substr(offset, req.body.size());
    res.body = same ? "same:" + std::to_string(req.body.size()) : "different";
  });
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, local(server), {});
  for (std::size_t offset : {0ul, 12345ul, 1ul << 19}) {
    const std::size_t size = (1u << 19) - 1;
    Request request;
    prepare_request(request, bhttp::verb::put, "/" + std::to_string(offset), "127.0.0.1",
                    std::string_view(payload).substr(offset, size));
    auto c = send_and_wait(io, pool, request);
    EXPECT_EQ(c.body, "same:" + std::to_string(size));
    // The message still points into the shared buffer: nothing was copied into it.
    EXPECT_EQ(request.message.body().data(), payload.data() + offset);
    EXPECT_EQ(request.message.body().size(), size);
  }
}

TEST(ConnectionPool, KeepsBodiesUpToTheLimitAndCanDiscardThem) {
  const std::size_t big = 3 * 1024 * 1024 + 17;
  Server server({}, [&](const ServerRequest&, ServerResponse& res) { res.body.assign(big, 'b'); });
  server.start();
  boost::asio::io_context io;
  PoolOptions options;
  options.response_body_limit = 1000;
  ConnectionPool pool(io, local(server), options);

  auto kept = make_get("/keep");
  auto c = send_and_wait(io, pool, kept);
  EXPECT_EQ(c.body.size(), 1000u);
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(c.body_bytes, big);

  auto discarded = make_get("/discard");
  discarded.discard_body = true;
  c = send_and_wait(io, pool, discarded);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_TRUE(c.body.empty());
  EXPECT_EQ(c.body_bytes, big);
  EXPECT_TRUE(c.reused);  // a streamed body leaves the connection usable
}

TEST(ConnectionPool, GetsA413ForAnOversizedBodyRatherThanAReset) {
  ServerOptions sopts;
  sopts.body_limit = 64 * 1024;
  Server server(sopts, echo());
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, local(server), {});
  const std::string payload(1024 * 1024, 'z');
  Request put;
  prepare_request(put, bhttp::verb::put, "/too-big", "127.0.0.1", payload);
  auto c = send_and_wait(io, pool, put);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_EQ(c.status, 413u);
  EXPECT_EQ(server.counters().rejected_too_large, 1u);
  // The server closed that connection; the next request gets a fresh one.
  auto small = make_get("/after");
  c = send_and_wait(io, pool, small);
  EXPECT_EQ(c.status, 200u);
  EXPECT_FALSE(c.reused);
}

TEST(ConnectionPool, HeadResponseWithContentLengthDoesNotWaitForABody) {
  Server server({}, [](const ServerRequest&, ServerResponse& res) {
    res.set_header("Content-Length", "4096");
  });
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, local(server), {});
  Request head;
  prepare_request(head, bhttp::verb::head, "/obj", "127.0.0.1");
  for (int i = 0; i < 2; ++i) {
    auto c = send_and_wait(io, pool, head);
    EXPECT_EQ(c.outcome, Outcome::kOk);
    EXPECT_EQ(c.body_bytes, 0u);
  }
  EXPECT_EQ(server.counters().connections, 1u);
}

TEST(ConnectionPool, TimesOutAStalledRequestAndReplacesTheConnection) {
  std::atomic<int> calls{0};
  ServerOptions sopts;
  sopts.threads = 2;  // one stays stalled, the other serves the replacement connection
  Server server(sopts, [&](const ServerRequest&, ServerResponse& res) {
    if (calls++ == 1) std::this_thread::sleep_for(600ms);
    res.body = "x";
  });
  server.start();
  boost::asio::io_context io;
  PoolOptions options;
  options.request_timeout = 150ms;
  ConnectionPool pool(io, local(server), options);
  auto request = make_get("/t");
  EXPECT_EQ(send_and_wait(io, pool, request).outcome, Outcome::kOk);
  auto start = std::chrono::steady_clock::now();
  auto stalled = send_and_wait(io, pool, request);
  EXPECT_EQ(stalled.outcome, Outcome::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 550ms);
  auto after = send_and_wait(io, pool, request);
  EXPECT_EQ(after.outcome, Outcome::kOk);
  EXPECT_FALSE(after.reused);
  EXPECT_EQ(pool.stats().connections_opened, 2u);
}

TEST(ConnectionPool, ReportsAResetAndReplacesTheConnection) {
  std::atomic<int> calls{0};
  Server server({}, [&](const ServerRequest&, ServerResponse& res) {
    if (calls++ == 1) res.reset_connection = true;
  });
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, local(server), {});
  auto request = make_get("/r");
  EXPECT_EQ(send_and_wait(io, pool, request).outcome, Outcome::kOk);
  // Reset after the server read the request: a real failure, reported (not silently resent).
  auto reset = send_and_wait(io, pool, request);
  EXPECT_EQ(reset.outcome, Outcome::kReset);
  EXPECT_EQ(server.counters().resets, 1u);
  auto after = send_and_wait(io, pool, request);
  EXPECT_EQ(after.outcome, Outcome::kOk);
  EXPECT_FALSE(after.reused);
  EXPECT_EQ(server.counters().connections, 2u);
}

TEST(ConnectionPool, ResendsOnceWhenTheServerClosedAnIdleConnection) {
  ServerOptions sopts;
  sopts.header_timeout = 100ms;  // the server drops idle keep-alive connections quickly
  Server server(sopts, echo());
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, local(server), {});  // the client would keep them for 30 s
  auto request = make_get("/s");
  EXPECT_EQ(send_and_wait(io, pool, request).outcome, Outcome::kOk);
  std::this_thread::sleep_for(300ms);
  auto c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kOk);
  EXPECT_EQ(pool.stats().stale_retries, 1u);
  EXPECT_EQ(server.counters().connections, 2u);
}

TEST(ConnectionPool, ClosesIdleConnectionsAfterTheIdleTimeout) {
  Server server({}, echo());
  server.start();
  boost::asio::io_context io;
  PoolOptions options;
  options.idle_timeout = 100ms;
  ConnectionPool pool(io, local(server), options);
  auto request = make_get("/i");
  EXPECT_EQ(send_and_wait(io, pool, request).outcome, Outcome::kOk);
  EXPECT_EQ(pool.open_connections(), 1u);
  run_for(io, 300ms);
  EXPECT_EQ(pool.open_connections(), 0u);
  EXPECT_EQ(pool.stats().connections_closed, 1u);
}

TEST(ConnectionPool, ReportsConnectRefused) {
  std::uint16_t dead_port = 0;
  {
    Server probe({}, echo());
    probe.start();
    dead_port = probe.port();
  }
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", dead_port}, {});
  auto request = make_get("/");
  auto c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kConnectFailed);
  EXPECT_EQ(pool.open_connections(), 0u);
}

TEST(ConnectionPool, CloseCancelsQueuedRequests) {
  Server server({},
                [](const ServerRequest&, ServerResponse&) { std::this_thread::sleep_for(50ms); });
  server.start();
  boost::asio::io_context io;
  ConnectionPool pool(io, local(server), {});
  auto request = make_get("/");
  Captured first, queued;
  pool.async_send(request, capture_into(first));
  pool.async_send(request, capture_into(queued));
  pool.close();
  EXPECT_TRUE(queued.arrived);
  EXPECT_EQ(queued.outcome, Outcome::kCancelled);
  ASSERT_TRUE(run_until(io, [&] { return first.arrived; }));
  EXPECT_EQ(first.outcome, Outcome::kCancelled);
}

TEST(ConnectionPool, DestroyingThePoolWithRequestsInFlightIsSafe) {
  Server server({},
                [](const ServerRequest&, ServerResponse&) { std::this_thread::sleep_for(50ms); });
  server.start();
  boost::asio::io_context io;
  auto request = make_get("/");
  bool called = false;
  {
    ConnectionPool pool(io, local(server), {});
    pool.async_send(request, [&](Result&) { called = true; });
    run_for(io, 10ms);
  }
  run_for(io, 100ms);
  EXPECT_FALSE(called);
}

TEST(ConnectionPool, ReportsAServerThatAnswersGarbage) {
  // A raw acceptor answering with something that is not HTTP.
  boost::asio::io_context server_io;
  boost::asio::ip::tcp::acceptor acceptor(server_io,
                                          {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::thread server_thread([&] {
    auto socket = acceptor.accept();
    char buf[1024];
    socket.read_some(boost::asio::buffer(buf));
    boost::asio::write(socket, boost::asio::buffer(std::string("SMTP READY\r\n\r\n")));
    boost::system::error_code ignored;
    socket.read_some(boost::asio::buffer(buf), ignored);
  });
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", acceptor.local_endpoint().port()},
                      {});
  auto request = make_get("/");
  auto c = send_and_wait(io, pool, request);
  EXPECT_EQ(c.outcome, Outcome::kProtocolError);
  pool.close();
  server_thread.join();
}

}  // namespace
}  // namespace s3storm::http
