#include "http/endpoint.hpp"

#include <gtest/gtest.h>

#include "http/tls.hpp"
#include "util/usage_error.hpp"

namespace s3storm::http {
namespace {

TEST(Endpoint, ParsesSchemeHostAndPort) {
  auto e = Endpoint::parse("http://127.0.0.1:9000");
  EXPECT_EQ(e.scheme, Scheme::kHttp);
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 9000);
  EXPECT_EQ(e.host_header(), "127.0.0.1:9000");

  e = Endpoint::parse("https://s3.eu-west-1.amazonaws.com/");
  EXPECT_EQ(e.scheme, Scheme::kHttps);
  EXPECT_EQ(e.port, 443);
  EXPECT_EQ(e.host_header(), "s3.eu-west-1.amazonaws.com");

  e = Endpoint::parse("http://[::1]:8080");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 8080);
  EXPECT_EQ(e.host_header(), "[::1]:8080");
  EXPECT_EQ(Endpoint::parse("http://localhost:80").host_header(), "localhost");
}

TEST(Endpoint, RejectsMalformedUrlsNamingThem) {
  for (const char* bad : {"ftp://x", "localhost:9000", "http://", "http://h:0", "http://h:70000",
                          "http://h:x", "http://h/bucket", "http://[::1", "http://h:"}) {
    try {
      Endpoint::parse(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(TlsContext, UnreadableCaFileIsAUsageError) {
  EXPECT_THROW(make_client_tls_context({true, "/nonexistent/ca.pem"}), UsageError);
  EXPECT_NO_THROW(make_client_tls_context({false, ""}));
  EXPECT_NO_THROW(make_client_tls_context({true, ""}));
}

}  // namespace
}  // namespace s3storm::http
