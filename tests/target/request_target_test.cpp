#include "target/request_target.hpp"

#include <gtest/gtest.h>

#include "sigv4/uri_encoding.hpp"

namespace s3storm::target {
namespace {

TEST(RequestTarget, PathStyleDecodesBucketKeyAndQuery) {
  const auto target = parse_request_target(
      "/bucket/dir/a%20b%2Bc?uploadId=x%2By&partNumber=2&uploads", "127.0.0.1:9000", "localhost");
  EXPECT_EQ(target.bucket, "bucket");
  EXPECT_EQ(target.key, "dir/a b+c");
  EXPECT_EQ(target.get("uploadId"), "x+y");
  EXPECT_EQ(target.get("partNumber"), "2");
  EXPECT_TRUE(target.has("uploads"));
  EXPECT_FALSE(target.has("delete"));
  EXPECT_EQ(target.raw_path, "/bucket/dir/a%20b%2Bc");
}

TEST(RequestTarget, ServiceBucketAndVirtualHost) {
  EXPECT_TRUE(parse_request_target("/", "127.0.0.1:1", "localhost").bucket.empty());
  const auto bucket = parse_request_target("/b1?list-type=2", "127.0.0.1:1", "localhost");
  EXPECT_EQ(bucket.bucket, "b1");
  EXPECT_TRUE(bucket.key.empty());
  const auto virtual_hosted = parse_request_target("/k/ey", "b2.localhost:9000", "localhost");
  EXPECT_EQ(virtual_hosted.bucket, "b2");
  EXPECT_EQ(virtual_hosted.key, "k/ey");
  // The suffix alone is not a bucket.
  EXPECT_EQ(parse_request_target("/b3/k", "localhost:9000", "localhost").bucket, "b3");
}

TEST(RequestTarget, PercentDecoding) {
  EXPECT_EQ(sigv4::uri_decode("a%2fb+c"), "a/b+c");
  EXPECT_EQ(sigv4::uri_decode("a%2Fb+c", true), "a/b c");
  EXPECT_EQ(sigv4::uri_decode("100%"), "100%");
  EXPECT_EQ(sigv4::uri_decode("%zz"), "%zz");
  std::string encoded;
  sigv4::append_uri_encoded(encoded, "a b/c~", true);
  EXPECT_EQ(encoded, "a%20b/c~");
}

}  // namespace
}  // namespace s3storm::target
