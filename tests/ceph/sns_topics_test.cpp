// The SNS CreateTopic pieces setup uses against Ceph RGW: the form, its SigV4 signature as
// service "sns" (checked by our own server-side verifier, the oracle the embedded target trusts),
// and the answers RGW and AWS send.

#include "s3/sns_topics.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "../support/aws_example_keys.hpp"
#include "http/connection_pool.hpp"
#include "s3/payload.hpp"
#include "s3/session.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/verifier.hpp"

namespace s3storm::s3 {
namespace {

TEST(CreateTopicForm, EncodesNameAndNumberedAttributes) {
  EXPECT_EQ(create_topic_form(
                "events", {{"push-endpoint", "http://127.0.0.1:9900/"}, {"persistent", "true"}}),
            "Action=CreateTopic&Name=events"
            "&Attributes.entry.1.key=push-endpoint"
            "&Attributes.entry.1.value=http%3A%2F%2F127.0.0.1%3A9900%2F"
            "&Attributes.entry.2.key=persistent&Attributes.entry.2.value=true"
            "&Version=2010-03-31");
}

TEST(CreateTopicForm, WithoutAttributes) {
  EXPECT_EQ(create_topic_form("a b", {}), "Action=CreateTopic&Name=a%20b&Version=2010-03-31");
}

TEST(ParseTopicArn, ReadsRgwAndAwsAnswers) {
  EXPECT_EQ(
      parse_topic_arn(R"(<?xml version="1.0" encoding="UTF-8"?><CreateTopicResponse )"
                      R"(xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult>)"
                      R"(<TopicArn>arn:aws:sns:default::events</TopicArn></CreateTopicResult>)"
                      R"(<ResponseMetadata><RequestId>tx1</RequestId></ResponseMetadata>)"
                      R"(</CreateTopicResponse>)"),
      "arn:aws:sns:default::events");
  EXPECT_EQ(parse_topic_arn("<CreateTopicResponse><CreateTopicResult><TopicArn>"
                            "arn:aws:sns:us-east-1:123456789012:t</TopicArn>"
                            "</CreateTopicResult></CreateTopicResponse>"),
            "arn:aws:sns:us-east-1:123456789012:t");
}

TEST(ParseTopicArn, EmptyWhenAbsentOrNotXml) {
  EXPECT_EQ(parse_topic_arn("<CreateTopicResponse/>"), "");
  EXPECT_EQ(parse_topic_arn("not xml <"), "");
  EXPECT_EQ(parse_topic_arn(""), "");
}

TEST(ParseSnsErrorCode, ReadsErrorResponse) {
  EXPECT_EQ(parse_sns_error_code("<ErrorResponse><Error><Type>Sender</Type>"
                                 "<Code>InvalidParameter</Code></Error></ErrorResponse>"),
            "InvalidParameter");
  EXPECT_EQ(parse_sns_error_code("<Error><Code>AccessDenied</Code></Error>"), "AccessDenied");
  EXPECT_EQ(parse_sns_error_code("<CreateTopicResponse/>"), "");
}

class SignSnsCall : public ::testing::Test {
 protected:
  SessionConfig config(std::string token = {}) {
    SessionConfig c;
    c.endpoint = http::Endpoint::parse("http://127.0.0.1:7480");
    c.region = "eu-west-1";
    c.credentials = {aws_example_keys::kSuiteAccessKey, aws_example_keys::kSuiteSecret,
                     std::move(token)};
    return c;
  }

  sigv4::VerifyResult verify(const SignedSnsCall& call, std::string_view host,
                             std::string_view body) {
    std::vector<sigv4::Header> received = call.headers;
    received.push_back({"host", host});
    static const std::string kSecret = aws_example_keys::kSuiteSecret;
    sigv4::Verifier verifier([](std::string_view key) -> const std::string* {
      return key == aws_example_keys::kSuiteAccessKey ? &kSecret : nullptr;
    });
    const auto body_hash = sigv4::sha256_hex(body);
    return verifier.verify({"POST", "/", received, body_hash}, std::chrono::system_clock::now());
  }

  static std::string_view header(const SignedSnsCall& call, std::string_view name) {
    for (const auto& h : call.headers) {
      if (h.name == name) return h.value;
    }
    return {};
  }

  boost::asio::io_context io_;
  Payload payload_{64, 1};
};

TEST_F(SignSnsCall, SignsAsServiceSnsAndVerifies) {
  http::ConnectionPool pool(io_, http::Endpoint::parse("http://127.0.0.1:7480"), {});
  Session session(io_, pool, config(), payload_, 1);
  const std::string body = create_topic_form("events", {{"persistent", "true"}});
  const auto call = sign_sns_call(session, body);
  EXPECT_EQ(call.body, body);
  EXPECT_EQ(header(call, "content-type"), "application/x-www-form-urlencoded; charset=utf-8");
  const auto authorization = header(call, "authorization");
  EXPECT_NE(authorization.find("/eu-west-1/sns/aws4_request"), std::string_view::npos)
      << authorization;
  EXPECT_NE(authorization.find("SignedHeaders=content-type;host;x-amz-date,"),
            std::string_view::npos)
      << authorization;
  EXPECT_EQ(header(call, "x-amz-security-token"), "");
  EXPECT_EQ(authorization.find("wJalrXUtnFEMI"), std::string_view::npos);  // no secret leaks

  EXPECT_TRUE(verify(call, "127.0.0.1:7480", body).ok());
  // The body is signed: a changed form no longer verifies.
  EXPECT_EQ(verify(call, "127.0.0.1:7480", body + "&x=1").status,
            sigv4::VerifyStatus::kSignatureMismatch);
}

TEST_F(SignSnsCall, SessionTokenIsSentAndSigned) {
  http::ConnectionPool pool(io_, http::Endpoint::parse("http://127.0.0.1:7480"), {});
  Session session(io_, pool, config("token-1"), payload_, 1);
  const auto call = sign_sns_call(session, "Action=CreateTopic&Name=t");
  EXPECT_EQ(header(call, "x-amz-security-token"), "token-1");
  EXPECT_NE(header(call, "authorization").find("x-amz-security-token"), std::string_view::npos);
  EXPECT_TRUE(verify(call, "127.0.0.1:7480", "Action=CreateTopic&Name=t").ok());
}

}  // namespace
}  // namespace s3storm::s3
