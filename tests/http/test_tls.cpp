#include <gtest/gtest.h>

#include "http/connection_pool.hpp"
#include "http/tls.hpp"
#include "io_helpers.hpp"
#include "tls_test_server.hpp"

namespace s3storm::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::OneConnectionTlsServer;
using testing::run_until;
using testing::SelfSignedCert;

struct Outcomes {
  Outcome outcome = Outcome::cancelled;
  std::string body;
  int arrived = 0;
};

// Sends two requests over one pool (the second should reuse the TLS connection).
Outcomes fetch_twice(const std::string& host, std::uint16_t port, const TlsOptions& tls,
                     PoolOptions options = {}) {
  boost::asio::io_context io;
  ConnectionPool pool(io, Endpoint{Scheme::https, host, port}, options,
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
  if (got.outcome == Outcome::ok) {
    pool.async_send(request, record);
    EXPECT_TRUE(run_until(io, [&] { return got.arrived == 2; }));
    EXPECT_EQ(pool.stats().connections_opened, 1u);
  }
  pool.close();
  return got;
}

TEST(Tls, UnknownCaFailsTheHandshakeWhenVerifying) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("localhost", server.port(), TlsOptions{true, ""});
  EXPECT_EQ(got.outcome, Outcome::tls_failed);
}

TEST(Tls, CaFileMakesTheSelfSignedCertTrusted) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("localhost", server.port(), TlsOptions{true, cert.cert_path()});
  EXPECT_EQ(got.outcome, Outcome::ok);
  EXPECT_EQ(got.body, "localhost");  // the server saw our SNI
}

TEST(Tls, VerifyOffAcceptsAnyCertificate) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("localhost", server.port(), TlsOptions{false, ""});
  EXPECT_EQ(got.outcome, Outcome::ok);
}

TEST(Tls, NameMismatchFailsEvenWithTheRightCa) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  PoolOptions options;
  options.tls_server_name = "bucket.other.example";
  auto got = fetch_twice("localhost", server.port(), TlsOptions{true, cert.cert_path()}, options);
  EXPECT_EQ(got.outcome, Outcome::tls_failed);
}

TEST(Tls, IpLiteralIsVerifiedAgainstTheIpSanAndSendsNoSni) {
  SelfSignedCert cert;
  OneConnectionTlsServer server(cert);
  auto got = fetch_twice("127.0.0.1", server.port(), TlsOptions{true, cert.cert_path()});
  EXPECT_EQ(got.outcome, Outcome::ok);
  EXPECT_EQ(got.body, "(no sni)");
}

}  // namespace
}  // namespace s3storm::http
