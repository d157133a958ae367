#include "events/sqs_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "events/sqs_queue_url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::events {
namespace {

using nlohmann::json;

TEST(SqsQueueUrl, FauxqsUrlConnectsToTheTrailingLiteralAndKeepsTheNameAsHost) {
  const auto a = parse_sqs_queue_url("http://sqs.us-east-1.127.0.0.1:4566/000000000000/events");
  EXPECT_EQ(a.connect.scheme, http::Scheme::kHttp);
  EXPECT_EQ(a.connect.host, "127.0.0.1");
  EXPECT_EQ(a.connect.port, 4566);
  EXPECT_EQ(a.host_header, "sqs.us-east-1.127.0.0.1:4566");
  EXPECT_EQ(a.region, "us-east-1");
  EXPECT_EQ(a.queue_url, "http://sqs.us-east-1.127.0.0.1:4566/000000000000/events");
}

TEST(SqsQueueUrl, AwsUrlGoesToItsOwnHostWithItsRegion) {
  const auto a = parse_sqs_queue_url("https://sqs.eu-west-1.amazonaws.com/123456789012/events");
  EXPECT_EQ(a.connect.scheme, http::Scheme::kHttps);
  EXPECT_EQ(a.connect.host, "sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(a.connect.port, 443);
  EXPECT_EQ(a.host_header, "sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(sqs_region(a, "us-east-1"), "eu-west-1");
  EXPECT_EQ(sqs_region(parse_sqs_queue_url("https://sqs.us-gov-west-1.amazonaws.com/1/q"), "x"),
            "us-gov-west-1");
}

TEST(SqsQueueUrl, RegionFallsBackWhenTheHostNamesNone) {
  EXPECT_EQ(sqs_region(parse_sqs_queue_url("http://127.0.0.1:9324/000000000000/q"), "ap-south-1"),
            "ap-south-1");
  EXPECT_EQ(sqs_region(parse_sqs_queue_url("https://sqs.amazonaws.com/1/q"), "eu-north-1"),
            "eu-north-1");
  EXPECT_EQ(sqs_region(parse_sqs_queue_url("http://sqs.local:1/1/q"), "eu-north-1"), "eu-north-1");
}

TEST(SqsQueueUrl, LocalhostSubdomainsConnectToLoopback) {
  const auto a = parse_sqs_queue_url("http://sqs.eu-west-2.localhost:4566/000000000000/q");
  EXPECT_EQ(a.connect.host, "127.0.0.1");
  EXPECT_EQ(a.host_header, "sqs.eu-west-2.localhost:4566");
  EXPECT_EQ(a.region, "eu-west-2");
  // Something that only looks like an address at the end is a name.
  EXPECT_EQ(parse_sqs_queue_url("http://q.1.2.3.4444:80/1/q").connect.host, "q.1.2.3.4444");
}

TEST(SqsQueueUrl, RejectsWhatIsNoQueueUrl) {
  for (const char* bad : {"", "sqs.us-east-1.amazonaws.com/1/q", "http://host", "http://host/",
                          "ftp://host/1/q", "http://host:0/1/q", "http://host:99999/1/q",
                          "http:///1/q", "http://host/1/q?x=1", "http://host/1/q#f"}) {
    EXPECT_THROW(parse_sqs_queue_url(bad), UsageError) << bad;
  }
  try {
    parse_sqs_queue_url("http://host");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'http://host'"));
  }
}

TEST(SqsProtocol, ReceiveBodyCarriesQueueCountWaitAndOptionalVisibility) {
  std::string body;
  write_receive_body(body, {"http://h/1/q", 10, std::chrono::seconds(20), std::chrono::seconds(0)});
  const json a = json::parse(body);
  EXPECT_EQ(a["QueueUrl"], "http://h/1/q");
  EXPECT_EQ(a["MaxNumberOfMessages"], 10);
  EXPECT_EQ(a["WaitTimeSeconds"], 20);
  EXPECT_FALSE(a.contains("VisibilityTimeout"));
  write_receive_body(body, {"http://h/1/q", 3, std::chrono::seconds(0), std::chrono::seconds(45)});
  const json b = json::parse(body);
  EXPECT_EQ(b["MaxNumberOfMessages"], 3);
  EXPECT_EQ(b["WaitTimeSeconds"], 0);
  EXPECT_EQ(b["VisibilityTimeout"], 45);
}

TEST(SqsProtocol, DeleteBatchEntriesHaveDistinctIdsAndTheHandlesVerbatim) {
  std::string body;
  write_delete_batch_body(body, "http://h/1/q", {"handle+/=\"1", "handle-2"});
  const json a = json::parse(body);
  EXPECT_EQ(a["QueueUrl"], "http://h/1/q");
  ASSERT_EQ(a["Entries"].size(), 2u);
  EXPECT_EQ(a["Entries"][0]["Id"], "0");
  EXPECT_EQ(a["Entries"][0]["ReceiptHandle"], "handle+/=\"1");
  EXPECT_EQ(a["Entries"][1]["Id"], "1");
}

TEST(SqsProtocol, ReceiveResponses) {
  EXPECT_TRUE(parse_receive_response("").empty());
  EXPECT_TRUE(parse_receive_response("{}").empty());
  EXPECT_TRUE(parse_receive_response(R"({"Messages":[]})").empty());
  const auto messages = parse_receive_response(
      R"({"Messages":[{"MessageId":"m1","ReceiptHandle":"r1","MD5OfBody":"x","Body":"{\"a\":1}"},
                      {"ReceiptHandle":"r2","Body":""}]})");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message_id, "m1");
  EXPECT_EQ(messages[0].receipt_handle, "r1");
  EXPECT_EQ(messages[0].body, R"({"a":1})");
  EXPECT_EQ(messages[1].receipt_handle, "r2");
  for (const char* bad : {"nope", "[]", R"({"Messages":{}})", R"({"Messages":[{"Body":"b"}]})",
                          R"({"Messages":[{"ReceiptHandle":"r"}]})", R"({"Messages":[1]})"}) {
    EXPECT_THROW(parse_receive_response(bad), std::runtime_error) << bad;
  }
}

TEST(SqsProtocol, DeleteBatchResponses) {
  const auto ok =
      parse_delete_batch_response(R"({"Successful":[{"Id":"0"},{"Id":"1"}],"Failed":[]})");
  EXPECT_EQ(ok.deleted, 2u);
  EXPECT_TRUE(ok.failure_codes.empty());
  const auto partial = parse_delete_batch_response(
      R"({"Successful":[{"Id":"0"}],"Failed":[{"Id":"1","Code":"ReceiptHandleIsInvalid","SenderFault":true},{"Id":"2"}]})");
  EXPECT_EQ(partial.deleted, 1u);
  EXPECT_THAT(partial.failure_codes, ::testing::ElementsAre("ReceiptHandleIsInvalid", "unknown"));
  EXPECT_THROW(parse_delete_batch_response("<xml/>"), std::runtime_error);
}

TEST(SqsProtocol, ErrorCodes) {
  EXPECT_EQ(
      sqs_error_code(400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"m"})", ""),
      "QueueDoesNotExist");
  EXPECT_EQ(sqs_error_code(403, R"({"__type":"InvalidClientTokenId"})", ""),
            "InvalidClientTokenId");
  EXPECT_EQ(sqs_error_code(400, R"({"code":"AccessDenied"})", ""), "AccessDenied");
  EXPECT_EQ(sqs_error_code(400, "", "AWS.SimpleQueueService.NonExistentQueue;Sender"),
            "NonExistentQueue");
  EXPECT_EQ(sqs_error_code(503, "<html>busy</html>", ""), "http_503");
}

}  // namespace
}  // namespace s3storm::events
