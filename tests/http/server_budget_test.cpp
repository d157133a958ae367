// The server's body admission (ServerOptions::check_header) and body budget (issue #18): a body
// is judged from its header before it is read, and the bodies being received share one budget.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "http/server.hpp"
#include "raw_socket.hpp"

namespace s3storm::http {
namespace {

using testing::RawSocket;
using namespace std::chrono_literals;

ServerHandler body_size_handler(std::atomic<int>* handled = nullptr) {
  return [handled](const ServerRequest& req, ServerResponse& res) {
    if (handled) ++*handled;
    res.body = std::to_string(req.body.size());
  };
}

TEST(ServerBodyAdmission, ARefusedHeaderIsAnsweredWithoutItsBodyAndTheConnectionCloses) {
  ServerOptions opts;
  std::atomic<int> checked{0};
  opts.check_header = [&](const ServerRequest& req, ServerResponse& res) {
    ++checked;
    EXPECT_EQ(req.header("authorization"), "bad");
    EXPECT_TRUE(req.body.empty());  // nothing of the body was read yet
    res.status = 403;
    res.body = "<Error>denied</Error>";
    return BodyAdmission::kRefuse;
  };
  std::atomic<int> handled{0};
  Server server(opts, body_size_handler(&handled));
  server.start();
  RawSocket client(server.port());
  // The body is never sent: the answer must not wait for it.
  client.send(
      "PUT /x HTTP/1.1\r\nHost: h\r\nAuthorization: bad\r\nContent-Length: 1000000\r\n\r\n");
  const std::string reply = client.read_all();
  EXPECT_NE(reply.find("HTTP/1.1 403"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_NE(reply.find("<Error>denied</Error>"), std::string::npos) << reply;
  EXPECT_EQ(checked.load(), 1);
  EXPECT_EQ(handled.load(), 0);
  EXPECT_EQ(server.counters().refused_at_header, 1u);
}

TEST(ServerBodyAdmission, ABodyThatCameWithItsHeaderIsNotCheckedTwice) {
  ServerOptions opts;
  std::atomic<int> checked{0};
  opts.check_header = [&](const ServerRequest&, ServerResponse&) {
    ++checked;
    return BodyAdmission::kRefuse;
  };
  Server server(opts, body_size_handler());
  server.start();
  RawSocket client(server.port());
  client.send("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  const std::string reply = client.read_all();
  EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos) << reply;
  EXPECT_EQ(checked.load(), 0);
}

TEST(ServerBodyAdmission, ExpectContinueGetsTheRefusalInsteadOfContinue) {
  ServerOptions opts;
  opts.check_header = [](const ServerRequest&, ServerResponse& res) {
    res.status = 403;
    return BodyAdmission::kRefuse;
  };
  Server server(opts, body_size_handler());
  server.start();
  RawSocket client(server.port());
  client.send("PUT /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  const std::string reply = client.read_all();
  EXPECT_EQ(reply.find("100 Continue"), std::string::npos) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 403"), std::string::npos) << reply;
}

TEST(ServerBodyAdmission, AnUnauthenticatedBodyIsHeldToItsOwnCapChunkedOrNot) {
  ServerOptions opts;
  opts.unauthenticated_body_limit = 100;
  opts.check_header = [](const ServerRequest& req, ServerResponse&) {
    return req.target == "/signed" ? BodyAdmission::kRead : BodyAdmission::kReadUnauthenticated;
  };
  // The refusal's answer is the application's, for the request it refused, under the 413.
  opts.answer_refusal = [](const ServerRequest& req, ServerResponse& res) {
    res.body = std::to_string(res.status) + " for " + req.target;
  };
  Server server(opts, body_size_handler());
  server.start();
  {
    RawSocket client(server.port());
    client.send("POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n");
    const std::string reply = client.read_all();
    EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos) << reply;
    EXPECT_NE(reply.find("\r\n\r\n413 for /form"), std::string::npos) << reply;
  }
  {
    RawSocket client(server.port());
    client.send("POST /form HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.send("64\r\n" + std::string(100, 'x') + "\r\n");
    client.send("1\r\nx\r\n0\r\n\r\n");
    const std::string reply = client.read_all();
    EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos) << reply;
    EXPECT_NE(reply.find("\r\n\r\n413 for /form"), std::string::npos) << reply;
  }
  {
    RawSocket client(server.port());
    client.send(
        "POST /signed HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\nConnection: close\r\n\r\n");
    client.send(std::string(101, 'x'));
    const std::string reply = client.read_all();
    EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos) << reply;
    EXPECT_NE(reply.find("\r\n\r\n101"), std::string::npos) << reply;
  }
  EXPECT_EQ(server.counters().rejected_too_large, 2u);
}

TEST(ServerBodyBudget, ABodyPastTheBudgetGetsTheOverBudgetAnswerAndTheBytesComeBack) {
  ServerOptions opts;
  opts.body_budget = 1000;
  opts.answer_refusal = [](const ServerRequest&, ServerResponse& res) {
    res.body = "<Code>SlowDown</Code>";
  };
  Server server(opts, body_size_handler());
  server.start();
  // 600 of the 1000 bytes are taken by a body still arriving...
  RawSocket first(server.port());
  first.send("PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 600\r\n\r\nabc");
  // ...so 600 more do not fit, the header alone says so.
  {
    RawSocket second(server.port());
    second.send("PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 600\r\n\r\n");
    const std::string reply = second.read_all();
    EXPECT_NE(reply.find("HTTP/1.1 503"), std::string::npos) << reply;
    EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
    EXPECT_NE(reply.find("<Code>SlowDown</Code>"), std::string::npos) << reply;
  }
  // A chunked body is charged as it grows.
  {
    RawSocket chunked(server.port());
    chunked.send("PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    chunked.send("12c\r\n" + std::string(300, 'x') + "\r\n");  // 300: fits
    chunked.send("12c\r\n" + std::string(300, 'x') + "\r\n");  // 600: does not
    EXPECT_NE(chunked.read_all().find("HTTP/1.1 503"), std::string::npos);
  }
  // The first body ends; its bytes go back, and a 600-byte body fits again.
  first.send(std::string(597, 'x'));
  EXPECT_NE(first.read_until_contains("\r\n\r\n600").find("HTTP/1.1 200"), std::string::npos);
  RawSocket third(server.port());
  third.send("PUT /d HTTP/1.1\r\nHost: h\r\nContent-Length: 600\r\nConnection: close\r\n\r\n");
  third.send(std::string(600, 'x'));
  EXPECT_NE(third.read_all().find("HTTP/1.1 200"), std::string::npos);
  const ServerCounters counters = server.counters();
  EXPECT_EQ(counters.rejected_over_budget, 2u);
  // Never past the budget: 600 alone, or 900 when the chunked body's first 300 were charged
  // before its next chunk arrived.
  EXPECT_GE(counters.body_bytes_peak, 600u);
  EXPECT_LE(counters.body_bytes_peak, 1000u);
  EXPECT_EQ(counters.requests, 2u);
}

}  // namespace
}  // namespace s3storm::http
