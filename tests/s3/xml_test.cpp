#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "s3/xml_requests.hpp"
#include "s3/xml_responses.hpp"

namespace s3storm::s3 {
namespace {

TEST(ParseError, ReadsCodeMessageAndRequestId) {
  const auto error = parse_error(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
<Key>a b</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>)");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "NoSuchKey");
  EXPECT_EQ(error->message, "The specified key does not exist.");
  EXPECT_EQ(error->request_id, "4442587FB7D0A2F9");
}

TEST(ParseError, FindsAnErrorInsideA200CopyAnswer) {
  EXPECT_TRUE(parse_error("<Error><Code>InternalError</Code></Error>"));
}

TEST(ParseError, IgnoresSuccessBodiesAndGarbage) {
  EXPECT_FALSE(parse_error("<CopyObjectResult><ETag>\"x\"</ETag></CopyObjectResult>"));
  EXPECT_FALSE(parse_error(""));
  EXPECT_FALSE(parse_error("<Error><Code>unterminated"));
  EXPECT_FALSE(parse_error("<Result><Error>nested is not an S3 error</Error></Result>"));
}

TEST(ParseUploadId, WithAndWithoutNamespace) {
  EXPECT_EQ(parse_upload_id(
                R"(<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkSUQ</UploadId></InitiateMultipartUploadResult>)"),
            "VXBsb2FkSUQ");
  EXPECT_EQ(parse_upload_id("<InitiateMultipartUploadResult><UploadId>u-1</UploadId>"
                            "</InitiateMultipartUploadResult>"),
            "u-1");
  EXPECT_EQ(parse_upload_id("not xml"), "");
}

TEST(ParseResultEtag, KeepsQuotes) {
  EXPECT_EQ(parse_result_etag("<CompleteMultipartUploadResult><ETag>&quot;abc-2&quot;</ETag>"
                              "</CompleteMultipartUploadResult>"),
            "\"abc-2\"");
}

TEST(ParseListObjectsV2, KeysTruncationAndToken) {
  const auto page =
      parse_list_objects_v2(R"(<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Name>b</Name><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>
<NextContinuationToken>tok+/=</NextContinuationToken>
<Contents><Key>a &amp; b</Key><Size>3</Size></Contents><Contents><Key>c</Key></Contents>
</ListBucketResult>)");
  ASSERT_EQ(page.keys.size(), 2u);
  EXPECT_EQ(page.keys[0], "a & b");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "tok+/=");
}

TEST(ParseListMultipartUploads, ListsOpenUploads) {
  const auto uploads = parse_list_multipart_uploads(
      "<ListMultipartUploadsResult><Upload><Key>k1</Key><UploadId>u1</UploadId></Upload>"
      "<Upload><Key>k2</Key><UploadId>u2</UploadId></Upload></ListMultipartUploadsResult>");
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(uploads[1].key, "k2");
  EXPECT_EQ(uploads[1].upload_id, "u2");
}

TEST(WriteCompleteMultipartUpload, ListsPartsInOrderAndParsesBack) {
  std::string body = "stale";
  write_complete_multipart_upload(body, {{1, "\"e1\""}, {2, "\"e2\""}});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(body.c_str()));
  auto part = doc.child("CompleteMultipartUpload").child("Part");
  EXPECT_STREQ(part.child_value("PartNumber"), "1");
  EXPECT_STREQ(part.child_value("ETag"), "\"e1\"");
  EXPECT_STREQ(part.next_sibling("Part").child_value("PartNumber"), "2");
}

TEST(WriteCreateBucketConfiguration, EmptyForUsEast1) {
  std::string body = "stale";
  write_create_bucket_configuration(body, "us-east-1");
  EXPECT_EQ(body, "");
  write_create_bucket_configuration(body, "eu-west-1");
  EXPECT_NE(body.find("<LocationConstraint>eu-west-1</LocationConstraint>"), std::string::npos);
}

TEST(WriteNotificationConfiguration, OneElementPerTargetWithEvents) {
  std::string body;
  write_notification_configuration(body, {{NotificationTargetKind::kQueue,
                                           "arn:aws:sqs:eu-west-1:000000000000:events",
                                           {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"},
                                           "",
                                           "",
                                           ""},
                                          {NotificationTargetKind::kTopic,
                                           "arn:aws:sns:default::t",
                                           {"s3:ObjectCreated:*"},
                                           "id1",
                                           "logs/",
                                           ".txt"}});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(body.c_str()));
  auto root = doc.child("NotificationConfiguration");
  auto queue = root.child("QueueConfiguration");
  EXPECT_STREQ(queue.child_value("Queue"), "arn:aws:sqs:eu-west-1:000000000000:events");
  EXPECT_STREQ(queue.child("Event").next_sibling("Event").child_value(), "s3:ObjectRemoved:*");
  EXPECT_STREQ(root.child("TopicConfiguration").child_value("Id"), "id1");
  EXPECT_STREQ(root.child("TopicConfiguration").child_value("Topic"), "arn:aws:sns:default::t");
  // The key filter, as S3 reads it; none without a prefix or suffix.
  EXPECT_FALSE(queue.child("Filter"));
  auto rule = root.child("TopicConfiguration").child("Filter").child("S3Key").child("FilterRule");
  EXPECT_STREQ(rule.child_value("Name"), "prefix");
  EXPECT_STREQ(rule.child_value("Value"), "logs/");
  EXPECT_STREQ(rule.next_sibling("FilterRule").child_value("Name"), "suffix");
  EXPECT_STREQ(rule.next_sibling("FilterRule").child_value("Value"), ".txt");
}

TEST(ParseDeleteErrors, NamesTheKeysADeleteObjectsAnswerDidNotDelete) {
  const auto errors = parse_delete_errors(R"(<?xml version="1.0"?><DeleteResult xmlns="x">
      <Deleted><Key>a</Key></Deleted>
      <Error><Key>b</Key><Code>AccessDenied</Code></Error>
      <Error><Key>c</Key><Code>InternalError</Code></Error></DeleteResult>)");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].key, "b");
  EXPECT_EQ(errors[0].code, "AccessDenied");
  EXPECT_EQ(errors[1].key, "c");
  EXPECT_EQ(errors[1].code, "InternalError");
  EXPECT_TRUE(parse_delete_errors("<DeleteResult/>").empty());  // quiet and all deleted
  EXPECT_TRUE(parse_delete_errors("").empty());
}

TEST(WriteDeleteObjects, EscapesKeys) {
  std::string body;
  write_delete_objects(body, {"a<b>&\"c'"});
  EXPECT_NE(body.find("<Key>a&lt;b&gt;&amp;&quot;c&apos;</Key>"), std::string::npos);
  EXPECT_NE(body.find("<Quiet>true</Quiet>"), std::string::npos);
}

}  // namespace
}  // namespace s3storm::s3
