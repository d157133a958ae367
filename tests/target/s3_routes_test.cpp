#include "target/s3_routes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

#include "target/request_target.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {
namespace {

http::ServerRequest request(std::string method, std::string target) {
  http::ServerRequest out;
  out.method = std::move(method);
  out.target = std::move(target);
  out.headers.emplace_back("Host", "127.0.0.1:9000");
  return out;
}

// The S3 error a request is refused with, or "" when it is routed.
std::string refusal(const http::ServerRequest& req) {
  try {
    route_request(req, parse_request_target(req.target, "127.0.0.1:9000", ""));
    return "";
  } catch (const S3Error& error) {
    return std::string(error_code_name(error.code()));
  }
}

std::string_view routed(const http::ServerRequest& req) {
  return route_request(req, parse_request_target(req.target, "127.0.0.1:9000", "")).s3_name;
}

TEST(S3Routes, EachRowIsReachableAndUnique) {
  std::set<std::tuple<Level, std::string_view, std::string_view, std::string_view>> seen;
  for (const Route& route : s3_routes()) {
    EXPECT_TRUE(seen.emplace(route.level, route.method, route.subresource, route.header).second)
        << route.s3_name;
  }
  // A row with a header must come before its twin without one, or it would never be chosen.
  const auto routes = s3_routes();
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (!routes[i].header.empty()) continue;
    for (std::size_t j = i + 1; j < routes.size(); ++j) {
      EXPECT_FALSE(routes[j].level == routes[i].level && routes[j].method == routes[i].method &&
                   routes[j].subresource == routes[i].subresource)
          << routes[j].s3_name << " is shadowed by " << routes[i].s3_name;
    }
  }
}

TEST(S3Routes, PlainOperationsAndTheirOptions) {
  EXPECT_EQ(routed(request("GET", "/")), "ListBuckets");
  EXPECT_EQ(routed(request("PUT", "/b/k")), "PutObject");
  auto copy = request("PUT", "/b/k");
  copy.headers.emplace_back("x-amz-copy-source", "/b/src");
  EXPECT_EQ(routed(copy), "CopyObject");
  EXPECT_EQ(routed(request("GET", "/b?list-type=2&prefix=a&max-keys=5&x-id=ListObjectsV2")),
            "ListObjects, ListObjectsV2");
  EXPECT_EQ(routed(request("PUT", "/b/k?partNumber=2&uploadId=u")), "UploadPart");
  EXPECT_EQ(routed(request("POST", "/b/k?uploads")), "CreateMultipartUpload");
  EXPECT_EQ(routed(request("DELETE", "/b/k?uploadId=u")), "AbortMultipartUpload");
  EXPECT_EQ(routed(request("POST", "/b?delete")), "DeleteObjects");
  EXPECT_EQ(routed(request("GET", "/b/k?versionId=null&response-content-type=a%2Fb")), "GetObject");
  // Presigned: the authentication parameters are the authenticator's.
  EXPECT_EQ(routed(request("GET", "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00")),
            "GetObject");
}

TEST(S3Routes, WhatTheTargetLacksIsRefusedNotMisread) {
  EXPECT_EQ(routed(request("DELETE", "/b/k?tagging")), "DeleteObjectTagging");
  EXPECT_EQ(routed(request("GET", "/b/k?tagging&versionId=null")), "GetObjectTagging");
  EXPECT_EQ(refusal(request("GET", "/b?tagging")), "NotImplemented");  // the bucket's tags
  EXPECT_EQ(routed(request("GET", "/b/k?acl")), "GetObjectAcl");
  EXPECT_EQ(routed(request("PUT", "/b?versioning")), "PutBucketVersioning");
  EXPECT_EQ(routed(request("GET",
                           "/b?versions&prefix=a&key-marker=k&version-id-marker=v&"
                           "max-keys=2&encoding-type=url")),
            "ListObjectVersions");
  EXPECT_EQ(refusal(request("GET", "/b?versions&delimiter=%2F")), "NotImplemented");
  auto part_copy = request("PUT", "/b/k?partNumber=1&uploadId=u");
  part_copy.headers.emplace_back("x-amz-copy-source", "/b/src");
  EXPECT_EQ(refusal(part_copy), "NotImplemented");
  // A parameter the operation does not read: acting without it would misread the request.
  EXPECT_EQ(refusal(request("DELETE", "/b/k?some-new-option=1")), "NotImplemented");
  EXPECT_EQ(refusal(request("GET", "/b/k?partNumber=1")), "NotImplemented");
  EXPECT_EQ(refusal(request("GET", "/?prefix=a")), "NotImplemented");
  // No such operation in the API.
  EXPECT_EQ(refusal(request("DELETE", "/b/k?acl")), "MethodNotAllowed");
  EXPECT_EQ(refusal(request("PATCH", "/b/k")), "MethodNotAllowed");
  EXPECT_EQ(refusal(request("POST", "/b/k")), "MethodNotAllowed");
  EXPECT_EQ(refusal(request("PUT", "/")), "MethodNotAllowed");
}

}  // namespace
}  // namespace s3storm::target
