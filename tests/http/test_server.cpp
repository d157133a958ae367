#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "http/server.hpp"
#include "raw_socket.hpp"

namespace s3storm::http {
namespace {

using testing::RawSocket;
using namespace std::chrono_literals;

ServerHandler echo_handler() {
  return [](const ServerRequest& req, ServerResponse& res) {
    res.status = 200;
    res.set_header("X-Method", req.method);
    res.set_header("X-Target", req.target);
    res.set_header("X-Token", std::string(req.header("authorization")));
    res.body = req.body;
  };
}

TEST(Server, PicksAFreePortAndAnswersKeepAliveRequests) {
  Server server({}, echo_handler());
  server.start();
  ASSERT_NE(server.port(), 0);

  RawSocket client(server.port());
  client.send(
      "PUT /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n"
      "Content-Length: 5\r\n\r\nhello");
  auto first = client.read_until_contains("hello");
  EXPECT_NE(first.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(first.find("X-Method: PUT"), std::string::npos);
  EXPECT_NE(first.find("X-Target: /a%20b?x=1"), std::string::npos);
  EXPECT_NE(first.find("X-Token: Bearer t"), std::string::npos);

  // Same connection, second request: keep-alive.
  client.send("GET /second HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  auto second = client.read_all();
  EXPECT_NE(second.find("X-Target: /second"), std::string::npos);
  EXPECT_EQ(server.counters().connections, 1u);
  EXPECT_EQ(server.counters().requests, 2u);
}

TEST(Server, RejectsOversizedBodyWith413) {
  ServerOptions opts;
  opts.body_limit = 100;
  Server server(opts, echo_handler());
  server.start();
  RawSocket client(server.port());
  client.send("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" +
              std::string(1000, 'x'));
  auto reply = client.read_all();
  EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos) << reply;
  EXPECT_EQ(server.counters().rejected_too_large, 1u);
  EXPECT_EQ(server.counters().requests, 0u);
}

TEST(Server, RejectsGarbageWith400) {
  Server server({}, echo_handler());
  server.start();
  RawSocket client(server.port());
  client.send("THIS IS NOT HTTP\r\n\r\n");
  auto reply = client.read_all();
  EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << reply;
  EXPECT_EQ(server.counters().rejected_bad_request, 1u);
}

TEST(Server, SlowClientGets408) {
  ServerOptions opts;
  opts.header_timeout = 200ms;
  Server server(opts, echo_handler());
  server.start();
  RawSocket client(server.port());
  client.send("GET /slow HTTP/1.1\r\nHost: h\r\n");  // header never finished
  auto start = std::chrono::steady_clock::now();
  auto reply = client.read_all();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_NE(reply.find("HTTP/1.1 408"), std::string::npos) << reply;
  EXPECT_EQ(server.counters().rejected_timeout, 1u);
}

TEST(Server, IdleKeepAliveConnectionIsClosedSilently) {
  ServerOptions opts;
  opts.header_timeout = 200ms;
  Server server(opts, echo_handler());
  server.start();
  RawSocket client(server.port());
  EXPECT_EQ(client.read_all(), "");
  EXPECT_EQ(server.counters().rejected_timeout, 0u);
}

TEST(Server, BodyThatStallsGets408) {
  ServerOptions opts;
  opts.body_timeout = 200ms;
  Server server(opts, echo_handler());
  server.start();
  RawSocket client(server.port());
  client.send("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
  auto reply = client.read_all();
  EXPECT_NE(reply.find("HTTP/1.1 408"), std::string::npos) << reply;
}

TEST(Server, HandlerCanResetTheConnection) {
  Server server({}, [](const ServerRequest&, ServerResponse& res) { res.reset_connection = true; });
  server.start();
  RawSocket client(server.port());
  client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(client.read_all(), "");
  EXPECT_EQ(client.last_error(), boost::asio::error::connection_reset);
  EXPECT_EQ(server.counters().resets, 1u);
}

TEST(Server, HandlerExceptionBecomes500) {
  Server server({}, [](const ServerRequest&, ServerResponse&) { throw std::runtime_error("x"); });
  server.start();
  RawSocket client(server.port());
  client.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_NE(client.read_all().find("HTTP/1.1 500"), std::string::npos);
  EXPECT_EQ(server.counters().handler_errors, 1u);
}

TEST(Server, AnswersExpectContinueBeforeTheBody) {
  Server server({}, echo_handler());
  server.start();
  RawSocket client(server.port());
  client.send("PUT /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_NE(client.read_until_contains("\r\n\r\n").find("100 Continue"), std::string::npos);
  client.send("abc");
  EXPECT_NE(client.read_until_contains("abc").find("200 OK"), std::string::npos);
}

TEST(Server, HeadKeepsTheAnnouncedContentLength) {
  Server server({}, [](const ServerRequest&, ServerResponse& res) {
    res.set_header("Content-Length", "1234");
  });
  server.start();
  RawSocket client(server.port());
  client.send("HEAD /o HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_NE(client.read_all().find("Content-Length: 1234"), std::string::npos);
}

TEST(Server, GracefulStopFinishesTheRequestInProgress) {
  std::atomic<bool> in_handler{false};
  Server server({}, [&](const ServerRequest&, ServerResponse& res) {
    in_handler = true;
    std::this_thread::sleep_for(300ms);
    res.body = "finished";
  });
  server.start();
  RawSocket idle(server.port());  // an idle connection must not hold stop() up
  RawSocket busy(server.port());
  busy.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  while (!in_handler) std::this_thread::sleep_for(1ms);
  auto start = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  auto reply = busy.read_all();
  EXPECT_NE(reply.find("finished"), std::string::npos);
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
  EXPECT_EQ(idle.read_all(), "");
  EXPECT_THROW(RawSocket{server.port()}, boost::system::system_error);
}

TEST(Server, DelayedAnswerDoesNotHoldTheThread) {
  // One server thread: a delayed answer on one connection must not stall another connection.
  Server server({}, [](const ServerRequest& req, ServerResponse& res) {
    if (req.target == "/slow") res.delay = std::chrono::milliseconds(800);
    res.body = req.target;
  });
  server.start();
  RawSocket slow(server.port());
  slow.send("GET /slow HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::this_thread::sleep_for(50ms);  // the slow request is in its delay
  const auto start = std::chrono::steady_clock::now();
  RawSocket fast(server.port());
  fast.send("GET /fast HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_NE(fast.read_all().find("/fast"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 600ms);
  EXPECT_NE(slow.read_all().find("/slow"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 600ms);
}

TEST(Server, DelayedResetStillResets) {
  Server server({}, [](const ServerRequest&, ServerResponse& res) {
    res.delay = std::chrono::milliseconds(50);
    res.reset_connection = true;
  });
  server.start();
  RawSocket client(server.port());
  client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(client.read_all(), "");
  EXPECT_EQ(client.last_error(), boost::asio::error::connection_reset);
  EXPECT_EQ(server.counters().resets, 1u);
}

TEST(Server, EachRequestOnAConnectionStartsFromAClearedResponse) {
  Server server({}, [](const ServerRequest& req, ServerResponse& res) {
    EXPECT_EQ(res.status, 200u);
    EXPECT_TRUE(res.headers.empty());
    EXPECT_TRUE(res.body.empty());
    if (req.target == "/first") {
      res.status = 404;
      res.set_header("X-First", "1");
      res.body = "first";
    }
  });
  server.start();
  RawSocket client(server.port());
  client.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_NE(client.read_until_contains("first").find("404"), std::string::npos);
  client.send("GET /second HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  const auto second = client.read_all();
  EXPECT_NE(second.find("HTTP/1.1 200 OK"), std::string::npos) << second;
  EXPECT_EQ(second.find("X-First"), std::string::npos) << second;
  EXPECT_NE(second.find("Content-Length: 0"), std::string::npos) << second;
}

TEST(Server, AnswersPipelinedRequestsInOrderWithTheirOwnHeadersAndBodies) {
  Server server({}, echo_handler());
  server.start();
  RawSocket client(server.port());
  client.send(
      "PUT /one HTTP/1.1\r\nHost: h\r\nAuthorization: A\r\nContent-Length: 3\r\n\r\nabc"
      "PUT /two HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\nde");
  const auto replies = client.read_all();
  const auto one = replies.find("X-Target: /one");
  const auto two = replies.find("X-Target: /two");
  ASSERT_NE(one, std::string::npos) << replies;
  ASSERT_NE(two, std::string::npos) << replies;
  EXPECT_LT(one, two);
  EXPECT_NE(replies.find("X-Token: A\r\n"), std::string::npos);
  EXPECT_NE(replies.find("X-Token: \r\n", one), std::string::npos);  // no header left over
  EXPECT_NE(replies.find("\r\n\r\nde"), std::string::npos);
  EXPECT_EQ(server.counters().requests, 2u);
}

TEST(Server, ChunkedRequestBodyIsAssembled) {
  Server server({}, echo_handler());
  server.start();
  RawSocket client(server.port());
  client.send(
      "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  const auto reply = client.read_all();
  EXPECT_NE(reply.find("Content-Length: 5\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\r\n\r\nabcde"), std::string::npos) << reply;
}

TEST(Server, NoContentAnswerCarriesNoBodyAndHttp10ClosesByDefault) {
  Server server({}, [](const ServerRequest&, ServerResponse& res) {
    res.status = 204;
    res.body = "dropped";
  });
  server.start();
  RawSocket client(server.port());
  client.send("DELETE /o HTTP/1.0\r\nHost: h\r\n\r\n");
  const auto reply = client.read_all();  // returns because the server closes (HTTP/1.0)
  EXPECT_NE(reply.find("HTTP/1.0 204 No Content"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("Content-Length"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("dropped"), std::string::npos) << reply;
}

TEST(Server, SpreadsConnectionsOverItsThreads) {
  ServerOptions opts;
  opts.threads = 2;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  Server server(opts, [&](const ServerRequest&, ServerResponse&) {
    std::lock_guard lock(mutex);
    threads.insert(std::this_thread::get_id());
  });
  server.start();
  for (int i = 0; i < 4; ++i) {
    RawSocket client(server.port());
    client.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    EXPECT_NE(client.read_all().find("200 OK"), std::string::npos);
  }
  EXPECT_EQ(threads.size(), 2u);
}

TEST(Server, ReportsAnAddressItCannotBind) {
  Server first({}, echo_handler());
  first.start();
  ServerOptions opts;
  opts.port = first.port();
  Server second(opts, echo_handler());
  try {
    second.start();
    FAIL() << "expected the bind to fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())),
              std::string::npos);
  }
}

}  // namespace
}  // namespace s3storm::http
