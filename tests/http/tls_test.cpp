#include "http/tls.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core/error.hpp>
#include <chrono>
#include <optional>

#include "http/connection_pool.hpp"
#include "io_helpers.hpp"
#include "tls_test_server.hpp"

namespace s3storm::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::OneConnectionTlsServer;
using testing::run_until;
using testing::SelfSignedCert;

struct Outcomes {
  Outcome outcome = Outcome::kCancelled;
  std::string body;
  int arrived = 0;
};

// Sends two requests over one pool (the second should reuse the TLS connection).
Outcomes fetch_twice(const std::string& host, std::uint16_t port, const TlsOptions& tls,
                     PoolOptions options = {}) {
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttps, host, port}, options,
                      make_client_tls_context(tls));
  Request request;
  prepare_request(request, bhttp::verb::get, "/", host);
  Outcomes got;
  auto record = [&](Result& r) {
    ++got.arrived;
    got.outcome = r.outcome;
    got.body = r.response.body;
  };
  pool.async_send(request, record);
  EXPECT_TRUE(run_until(io, [&] { return got.arrived == 1; }));
  if (got.outcome == Outcome::kOk) {
    pool.async_send(request, record);
    EXPECT_TRUE(run_until(io, [&] { return got.arrived == 2; }));
    EXPECT_EQ(pool.stats().connections_opened, 1u);
  }
  pool.close();
  return got;
}

TEST(Tls, AHandshakeNobodyAnswersEndsAtTheConnectTimeout) {
  // A TCP listener that accepts (the kernel does) but never speaks TLS: the handshake must end
  // at the connect timeout, reported as a TLS failure caused by the timeout.
  boost::asio::io_context server_io;
  boost::asio::ip::tcp::acceptor silent(server_io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  PoolOptions options;
  options.connect_timeout = std::chrono::milliseconds(200);
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::kHttps, "127.0.0.1", silent.local_endpoint().port()},
                      options, make_client_tls_context(TlsOptions{false, ""}));
  Request request;
  prepare_request(request, bhttp::verb::get, "/", "127.0.0.1");
  std::optional<Result> got;
  const auto start = std::chrono::steady_clock::now();
  pool.async_send(request, [&](Result& r) { got = r; });
  ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  EXPECT_EQ(got->outcome, Outcome::kTlsFailed);
  EXPECT_EQ(got->error, boost::beast::error::timeout);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(150));
  EXPECT_LT(took, std::chrono::milliseconds(2000));
}

TEST(Tls, UnknownCaFailsTheHandshakeWhenVerifying) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("localhost", server.port(), TlsOptions{true, ""});
  EXPECT_EQ(got.outcome, Outcome::kTlsFailed);
}

TEST(Tls, CaFileMakesTheSelfSignedCertTrusted) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("localhost", server.port(), TlsOptions{true, cert.cert_path()});
  EXPECT_EQ(got.outcome, Outcome::kOk);
  EXPECT_EQ(got.body, "localhost");  // the server saw our SNI
}

TEST(Tls, VerifyOffAcceptsAnyCertificate) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("localhost", server.port(), TlsOptions{false, ""});
  EXPECT_EQ(got.outcome, Outcome::kOk);
}

TEST(Tls, NameMismatchFailsEvenWithTheRightCa) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  PoolOptions options;
  options.tls_server_name = "bucket.other.example";
  auto got = fetch_twice("localhost", server.port(), TlsOptions{true, cert.cert_path()}, options);
  EXPECT_EQ(got.outcome, Outcome::kTlsFailed);
}

TEST(Tls, IpLiteralIsVerifiedAgainstTheIpSanAndSendsNoSni) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("127.0.0.1", server.port(), TlsOptions{true, cert.cert_path()});
  EXPECT_EQ(got.outcome, Outcome::kOk);
  EXPECT_EQ(got.body, "(no sni)");
}

}  // namespace
}  // namespace s3storm::http
