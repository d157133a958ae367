#include "util/url.hpp"

#include <gtest/gtest.h>

namespace s3storm {
namespace {

TEST(HttpUrl, SplitsSchemeHostPortAndTarget) {
  auto u = split_http_url("http://127.0.0.1:9000/bucket/key?uploads#frag").value();
  EXPECT_FALSE(u.https);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 9000);
  EXPECT_TRUE(u.explicit_port);
  EXPECT_EQ(u.authority, "127.0.0.1:9000");
  EXPECT_EQ(u.target, "/bucket/key?uploads#frag");
  EXPECT_EQ(u.host_header(), "127.0.0.1:9000");

  u = split_http_url("HTTPS://S3.Example.com").value();
  EXPECT_TRUE(u.https);
  EXPECT_EQ(u.host, "S3.Example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_FALSE(u.explicit_port);
  EXPECT_EQ(u.target, "");
  EXPECT_EQ(u.host_header(), "S3.Example.com");

  u = split_http_url("http://[::1]:8080?x").value();
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.target, "?x");
  EXPECT_EQ(u.host_header(), "[::1]:8080");

  u = split_http_url("http://user:pw@h:080/p").value();
  EXPECT_EQ(u.host, "h");
  EXPECT_EQ(u.authority, "h:080");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.host_header(), "h");  // the scheme's default port is not spelled
}

TEST(HttpUrl, SaysWhyAUrlIsRejected) {
  const std::pair<const char*, const char*> cases[] = {
      {"ftp://x", "expected http:// or https://"},
      {"localhost:9000", "expected http:// or https://"},
      {"http://", "missing host"},
      {"http:///p", "missing host"},
      {"http://:80", "missing host"},
      {"http://[::1", "unterminated IPv6 address"},
      {"http://[::1]x", "unexpected text after IPv6 address"},
      {"http://h:", "port must be 1..65535"},
      {"http://h:0", "port must be 1..65535"},
      {"http://h:65536", "port must be 1..65535"},
      {"http://h:x/", "port must be 1..65535"},
      {"http://h:+80", "port must be 1..65535"},
  };
  for (const auto& [url, reason] : cases) {
    std::string_view why;
    EXPECT_EQ(split_http_url(url, &why), std::nullopt) << url;
    EXPECT_EQ(why, reason) << url;
  }
}

TEST(HttpUrl, HostHeaderOmitsOnlyTheSchemesDefaultPort) {
  EXPECT_EQ(host_header("h", 80, false), "h");
  EXPECT_EQ(host_header("h", 443, false), "h:443");
  EXPECT_EQ(host_header("h", 443, true), "h");
  EXPECT_EQ(host_header("fe80::1", 80, true), "[fe80::1]:80");
}

}  // namespace
}  // namespace s3storm
