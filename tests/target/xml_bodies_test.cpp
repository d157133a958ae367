#include "target/xml_bodies.hpp"

#include <gtest/gtest.h>

#include "s3_error_of.hpp"
#include "target/s3_error.hpp"
#include "target/tagging.hpp"
#include "target/xml_documents.hpp"

namespace s3storm::target {
namespace {

using test_support::code_of;

TEST(XmlBodies, CompleteMultipartUpload) {
  const auto parts = parse_complete_multipart_upload(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Part><ETag>\"aa\"</ETag><PartNumber>1</PartNumber></Part>"
      "<Part><PartNumber>2</PartNumber><ETag>bb</ETag></Part></CompleteMultipartUpload>");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].number, 1);
  EXPECT_EQ(parts[0].etag, "\"aa\"");
  EXPECT_EQ(parts[1].number, 2);
  EXPECT_EQ(code_of([] { parse_complete_multipart_upload("<CompleteMultipartUpload>"); }),
            ErrorCode::kMalformedXML);
  EXPECT_EQ(code_of([] { parse_complete_multipart_upload("<Other/>"); }), ErrorCode::kMalformedXML);
  EXPECT_EQ(code_of([] {
              parse_complete_multipart_upload(
                  "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>a</ETag></Part>"
                  "</CompleteMultipartUpload>");
            }),
            ErrorCode::kMalformedXML);
}

TEST(XmlBodies, DeleteObjects) {
  const auto request = parse_delete_objects(
      "<Delete><Quiet>true</Quiet><Object><Key>a &amp; b</Key></Object>"
      "<Object><Key>c</Key><VersionId>null</VersionId></Object></Delete>");
  EXPECT_TRUE(request.quiet);
  ASSERT_EQ(request.objects.size(), 2u);
  EXPECT_EQ(request.objects[0].key, "a & b");
  EXPECT_EQ(request.objects[0].version_id, "");
  EXPECT_EQ(request.objects[1].version_id, "null");
  EXPECT_EQ(code_of([] { parse_delete_objects("<Delete></Delete>"); }), ErrorCode::kMalformedXML);
  std::string too_many = "<Delete>";
  for (int i = 0; i < 1001; ++i)
    too_many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  too_many += "</Delete>";
  EXPECT_EQ(code_of([&] { parse_delete_objects(too_many); }), ErrorCode::kMalformedXML);
  EXPECT_EQ(code_of([] {
              parse_delete_objects(
                  "<Delete><Object><VersionId>x</VersionId></Object>"
                  "</Delete>");
            }),
            ErrorCode::kMalformedXML);
}

std::string tagging_body(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string body = "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>";
  for (const auto& [key, value] : tags) {
    body += "<Tag><Key>" + key + "</Key><Value>" + value + "</Value></Tag>";
  }
  return body + "</TagSet></Tagging>";
}

TEST(XmlBodies, TaggingWithinS3sLimits) {
  const TagSet tags = parse_tagging(tagging_body({{"project", "storm"}, {"empty", ""}}));
  EXPECT_EQ(tags, (TagSet{{"project", "storm"}, {"empty", ""}}));
  EXPECT_TRUE(parse_tagging("<Tagging><TagSet/></Tagging>").empty());
  // 128 characters of key and 256 of value are allowed, counted as characters, not bytes.
  std::string key;
  for (int i = 0; i < 128; ++i) key += "\xc3\xa9";  // 128 x U+00E9, 256 bytes
  EXPECT_EQ(parse_tagging(tagging_body({{key, std::string(256, 'v')}})).size(), 1u);
}

TEST(XmlBodies, TaggingBeyondS3sLimitsIsInvalidTag) {
  std::vector<std::pair<std::string, std::string>> eleven;
  for (int i = 0; i < 11; ++i) eleven.emplace_back("k" + std::to_string(i), "v");
  EXPECT_EQ(code_of([&] { parse_tagging(tagging_body(eleven)); }), ErrorCode::kInvalidTag);
  EXPECT_EQ(code_of([] {
              parse_tagging(tagging_body({{std::string(129, 'k'), "v"}}));
            }),
            ErrorCode::kInvalidTag);
  EXPECT_EQ(code_of([] {
              parse_tagging(tagging_body({{"k", std::string(257, 'v')}}));
            }),
            ErrorCode::kInvalidTag);
  EXPECT_EQ(code_of([] {
              parse_tagging(tagging_body({{"k", "1"}, {"k", "2"}}));
            }),
            ErrorCode::kInvalidTag);
  EXPECT_EQ(code_of([] { parse_tagging(tagging_body({{"", "v"}})); }), ErrorCode::kInvalidTag);
  EXPECT_EQ(code_of([] { parse_tagging(tagging_body({{"aws:x", "v"}})); }), ErrorCode::kInvalidTag);
  EXPECT_EQ(code_of([] { parse_tagging("<Tagging><Tag/></Tagging>"); }), ErrorCode::kMalformedXML);
  EXPECT_EQ(code_of([] {
              parse_tagging(
                  "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet>"
                  "</Tagging>");
            }),
            ErrorCode::kMalformedXML);
}

TEST(XmlBodies, TaggingHeaderIsAQueryString) {
  const auto tags = parse_tagging_header("a=1&b%20c=d%26e&empty=");
  ASSERT_TRUE(tags);
  EXPECT_EQ(*tags, (TagSet{{"a", "1"}, {"b c", "d&e"}, {"empty", ""}}));
  EXPECT_EQ(parse_tagging_header(""), nullptr);
  EXPECT_EQ(code_of([] { parse_tagging_header("k=1&k=2"); }), ErrorCode::kInvalidTag);
}

TEST(XmlBodies, VersioningConfiguration) {
  EXPECT_EQ(parse_versioning_configuration(
                "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"),
            Versioning::kEnabled);
  EXPECT_EQ(parse_versioning_configuration(
                "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>"),
            Versioning::kSuspended);
  EXPECT_EQ(code_of([] { parse_versioning_configuration("<VersioningConfiguration/>"); }),
            ErrorCode::kMalformedXML);
  EXPECT_EQ(code_of([] {
              parse_versioning_configuration(
                  "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete>"
                  "</VersioningConfiguration>");
            }),
            ErrorCode::kNotImplemented);
}

TEST(XmlBodies, NotificationConfigurationRoundTrips) {
  const std::string body =
      "<NotificationConfiguration><QueueConfiguration><Id>q</Id><Queue>arn:aws:sqs:x</Queue>"
      "<Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event></QueueConfiguration>"
      "<TopicConfiguration><Topic>arn:aws:sns:y</Topic><Event>s3:ObjectCreated:Put</Event>"
      "</TopicConfiguration></NotificationConfiguration>";
  const auto rules = parse_notification_configuration(body);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].arn, "arn:aws:sqs:x");
  EXPECT_EQ(rules[0].events.size(), 2u);
  EXPECT_EQ(rules[1].arn_element, "Topic");
  EXPECT_EQ(parse_notification_configuration(notification_configuration_document(&rules)).size(),
            2u);
  EXPECT_TRUE(parse_notification_configuration("<NotificationConfiguration/>").empty());
  EXPECT_EQ(code_of([] { parse_notification_configuration("not xml"); }), ErrorCode::kMalformedXML);
}

std::string with_filter(std::string_view rules) {
  return "<NotificationConfiguration><QueueConfiguration><Queue>a</Queue><Event>e</Event>"
         "<Filter><S3Key>" +
         std::string(rules) + "</S3Key></Filter></QueueConfiguration></NotificationConfiguration>";
}

TEST(XmlBodies, NotificationKeyFiltersRoundTrip) {
  const auto rules = parse_notification_configuration(
      with_filter("<FilterRule><Name>Prefix</Name><Value>logs/</Value></FilterRule>"
                  "<FilterRule><Name>suffix</Name><Value>.txt</Value></FilterRule>"));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].prefix, "logs/");
  EXPECT_EQ(rules[0].suffix, ".txt");
  EXPECT_TRUE(rules[0].filters_key("logs/a.txt"));
  EXPECT_FALSE(rules[0].filters_key("logs/a.bin"));
  const auto again = parse_notification_configuration(notification_configuration_document(&rules));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].prefix, "logs/");
  EXPECT_EQ(again[0].suffix, ".txt");
  // An empty filter selects every key; names S3 does not know, or given twice, are refused.
  EXPECT_TRUE(parse_notification_configuration(with_filter(""))[0].filters_key("any"));
  EXPECT_EQ(code_of([] {
              parse_notification_configuration(
                  with_filter("<FilterRule><Name>middle</Name><Value>x</Value></FilterRule>"));
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([] {
              parse_notification_configuration(
                  with_filter("<FilterRule><Name>prefix</Name><Value>a</Value></FilterRule>"
                              "<FilterRule><Name>prefix</Name><Value>b</Value></FilterRule>"));
            }),
            ErrorCode::kInvalidArgument);
}

TEST(XmlBodies, CreateBucketConfiguration) {
  EXPECT_EQ(parse_create_bucket_configuration(""), "");
  EXPECT_EQ(parse_create_bucket_configuration(
                "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
                "</CreateBucketConfiguration>"),
            "eu-west-1");
  EXPECT_EQ(code_of([] { parse_create_bucket_configuration("<x"); }), ErrorCode::kMalformedXML);
}

TEST(XmlDocuments, ErrorDocumentEscapesAndCarriesDetails) {
  S3Error error(ErrorCode::kNoSuchKey, "The specified key does not exist.");
  error.with("Key", "a<b");
  const std::string doc = error_document(error, "/b/a<b", "RID");
  EXPECT_NE(doc.find("<Code>NoSuchKey</Code>"), std::string::npos);
  EXPECT_NE(doc.find("<Key>a&lt;b</Key>"), std::string::npos);
  EXPECT_NE(doc.find("<RequestId>RID</RequestId>"), std::string::npos);
  EXPECT_EQ(error_status(ErrorCode::kNoSuchKey), 404u);
  EXPECT_EQ(error_status(ErrorCode::kSignatureDoesNotMatch), 403u);
  EXPECT_EQ(error_status(ErrorCode::kBucketAlreadyOwnedByYou), 409u);
  EXPECT_EQ(error_status(ErrorCode::kSlowDown), 503u);
}

}  // namespace
}  // namespace s3storm::target
