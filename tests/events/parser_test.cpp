#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/key_encoding.hpp"
#include "events/notification_parser.hpp"

namespace s3storm::events {
namespace {

// Shaped like what AWS sends (keys form-URL-encoded, ETag bare, "s3:"-less name).
constexpr const char* kAwsPut = R"({"Records":[{
  "eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",
  "eventTime":"2025-11-07T09:41:23.870Z","eventName":"ObjectCreated:Put",
  "s3":{"s3SchemaVersion":"1.0","configurationId":"c1",
        "bucket":{"name":"test-bucket","arn":"arn:aws:s3:::test-bucket"},
        "object":{"key":"dir/my+file%2B1%25.txt","size":29,
                  "eTag":"b72a05983f663132daaf4688bb919f80","sequencer":"0055AED6DCD90281E5"}}}]})";

TEST(NotificationParser, AwsRecord) {
  const auto parsed = parse_notification(kAwsPut);
  ASSERT_EQ(parsed.records.size(), 1u);
  const auto& r = parsed.records[0];
  EXPECT_EQ(r.kind, EventKind::kObjectCreatedPut);
  EXPECT_EQ(r.name, "ObjectCreated:Put");
  EXPECT_EQ(r.bucket, "test-bucket");
  EXPECT_EQ(r.key, "dir/my+file%2B1%25.txt");  // kept as sent; the matcher decodes
  EXPECT_EQ(r.size, 29u);
  EXPECT_EQ(r.etag, "b72a05983f663132daaf4688bb919f80");
  EXPECT_EQ(r.event_time, "2025-11-07T09:41:23.870Z");
  EXPECT_EQ(r.event_source, "aws:s3");
  EXPECT_EQ(parsed.test_events, 0u);
  EXPECT_TRUE(parsed.subscribe_url.empty());
}

TEST(NotificationParser, PrefixedNameIsStrippedAndDeleteHasNoSize) {
  const auto parsed = parse_notification(R"({"Records":[
    {"eventName":"s3:ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}},
    {"eventName":"s3:ObjectRemoved:DeleteMarkerCreated","s3":{"bucket":{"name":"b"},"object":{"key":"k2"}}}]})");
  ASSERT_EQ(parsed.records.size(), 2u);
  EXPECT_EQ(parsed.records[0].kind, EventKind::kObjectRemovedDelete);
  EXPECT_EQ(parsed.records[0].name, "ObjectRemoved:Delete");
  EXPECT_EQ(parsed.records[0].size, 0u);
  EXPECT_EQ(parsed.records[0].etag, "");
  EXPECT_EQ(parsed.records[1].kind, EventKind::kObjectRemovedDeleteMarkerCreated);
}

TEST(NotificationParser, MinioEnvelope) {
  const auto parsed = parse_notification(R"({"EventName":"s3:ObjectCreated:CompleteMultipartUpload",
    "Key":"test-bucket/big file.bin",
    "Records":[{"eventVersion":"2.0","eventSource":"minio:s3","eventName":"s3:ObjectCreated:CompleteMultipartUpload",
      "s3":{"bucket":{"name":"test-bucket"},"object":{"key":"big+file.bin","size":6291456,
      "eTag":"e987a1a3c3017758f83dd34f9f8db424-2"}}}]})");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].kind, EventKind::kObjectCreatedCompleteMultipartUpload);
  EXPECT_EQ(parsed.records[0].key, "big+file.bin");
  EXPECT_EQ(parsed.records[0].size, 6291456u);
  EXPECT_EQ(parsed.records[0].event_source, "minio:s3");
}

TEST(NotificationParser, SnsWrappedNotification) {
  const std::string message = kAwsPut;
  std::string escaped;
  for (const char c : message) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped.push_back(c);
  }
  const std::string body = R"({"Type":"Notification","MessageId":"m1",
    "TopicArn":"arn:aws:sns:eu-west-1:000000000000:t","Subject":"Amazon S3 Notification",
    "Message":")" + escaped +
                           R"(","Timestamp":"2025-11-07T09:41:24.000Z"})";
  const auto parsed = parse_notification(body);
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].key, "dir/my+file%2B1%25.txt");
  EXPECT_EQ(parsed.records[0].kind, EventKind::kObjectCreatedPut);
}

// Shaped like AWS's EventBridge "Object Created" event for S3 (as an SQS or API-destination body).
std::string eventbridge(std::string_view detail_type, std::string_view detail_extra) {
  return R"({"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103",
    "detail-type":")" +
         std::string(detail_type) +
         R"(","source":"aws.s3","account":"123456789012","time":"2021-11-12T00:00:00Z",
    "region":"ca-central-1","resources":["arn:aws:s3:::example-bucket"],
    "detail":{"version":"0","bucket":{"name":"example-bucket"},
      "object":{"key":"example key","size":5,"etag":"b1946ac92492d2347c6235b4d2611184",
                "version-id":"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e","sequencer":"617f08299329d189"},
      "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012",
      "source-ip-address":"1.2.3.4")" +
         std::string(detail_extra) + "}}";
}

TEST(NotificationParser, EventBridgeEventsReadAsTheS3EventTheyStandFor) {
  const auto put = parse_notification(eventbridge("Object Created", R"(,"reason":"PutObject")"));
  ASSERT_EQ(put.records.size(), 1u);
  const auto& r = put.records[0];
  EXPECT_EQ(r.kind, EventKind::kObjectCreatedPut);
  EXPECT_EQ(r.bucket, "example-bucket");
  EXPECT_EQ(r.key, "example key");
  EXPECT_EQ(r.size, 5u);
  EXPECT_EQ(r.etag, "b1946ac92492d2347c6235b4d2611184");
  EXPECT_EQ(r.event_time, "2021-11-12T00:00:00Z");
  EXPECT_EQ(r.event_source, "aws.s3");
  const auto kind_of = [](std::string_view type, std::string_view extra) {
    return parse_notification(eventbridge(type, extra)).records.at(0).name;
  };
  EXPECT_EQ(kind_of("Object Created", R"(,"reason":"POST Object")"), "ObjectCreated:Post");
  EXPECT_EQ(kind_of("Object Created", R"(,"reason":"CopyObject")"), "ObjectCreated:Copy");
  EXPECT_EQ(kind_of("Object Created", R"(,"reason":"CompleteMultipartUpload")"),
            "ObjectCreated:CompleteMultipartUpload");
  EXPECT_EQ(kind_of("Object Deleted",
                    R"(,"reason":"DeleteObject","deletion-type":"Permanently Deleted")"),
            "ObjectRemoved:Delete");
  EXPECT_EQ(kind_of("Object Deleted",
                    R"(,"reason":"DeleteObject","deletion-type":"Delete Marker Created")"),
            "ObjectRemoved:DeleteMarkerCreated");
  EXPECT_EQ(kind_of("Object Restore Completed", ""), "EventBridge:Object Restore Completed");
  // Tag changes are S3's ObjectTagging events, matched to put_tagging/delete_tagging operations.
  const auto tags_added = parse_notification(eventbridge("Object Tags Added", ""));
  EXPECT_EQ(tags_added.records.at(0).name, "ObjectTagging:Put");
  EXPECT_EQ(tags_added.records.at(0).kind, EventKind::kObjectTaggingPut);
  const auto tags_deleted = parse_notification(eventbridge("Object Tags Deleted", ""));
  EXPECT_EQ(tags_deleted.records.at(0).name, "ObjectTagging:Delete");
  EXPECT_EQ(tags_deleted.records.at(0).kind, EventKind::kObjectTaggingDelete);
  EXPECT_THROW(parse_notification(R"({"detail-type":"Object Created","source":"aws.s3"})"),
               NotificationParseError);
}

TEST(NotificationParser, SnsSubscriptionConfirmationCarriesTheUrl) {
  const auto parsed = parse_notification(
      R"({"Type":"SubscriptionConfirmation","Token":"t","TopicArn":"arn:aws:sns:x:0:t",
          "SubscribeURL":"http://127.0.0.1:1/confirm?token=t","Message":"You have chosen..."})");
  EXPECT_TRUE(parsed.records.empty());
  EXPECT_EQ(parsed.subscribe_url, "http://127.0.0.1:1/confirm?token=t");
}

TEST(NotificationParser, TestEventIsCountedNotRecorded) {
  const auto parsed = parse_notification(
      R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2025-11-07T09:00:00.000Z",
          "Bucket":"test-bucket","RequestId":"r","HostId":"h"})");
  EXPECT_TRUE(parsed.records.empty());
  EXPECT_EQ(parsed.test_events, 1u);

  const auto wrapped = parse_notification(
      R"({"Type":"Notification","Message":"{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}"})");
  EXPECT_EQ(wrapped.test_events, 1u);
}

TEST(NotificationParser, CephRecordWithQuotedEtagAndStringSize) {
  const auto parsed =
      parse_notification(R"({"Records":[{"eventVersion":"2.2","eventSource":"ceph:s3",
    "awsRegion":"default","eventTime":"2025-11-07T10:00:00.123456Z","eventName":"ObjectCreated:Copy",
    "s3":{"s3SchemaVersion":"1.0","configurationId":"n1","bucket":{"name":"b","id":"x.1"},
          "object":{"key":"a%20b","size":"1024","eTag":"\"5d41402abc4b2a76b9719d911017c592\"",
                    "versionId":"","sequencer":"F1A0","metadata":[],"tags":[]}},
    "eventId":"1.2","opaqueData":""}]})");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].event_source, "ceph:s3");
  EXPECT_EQ(parsed.records[0].etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(parsed.records[0].size, 1024u);
  EXPECT_EQ(parsed.records[0].kind, EventKind::kObjectCreatedCopy);
}

TEST(NotificationParser, RawKeysWithSpacesAndUnicodeArePreserved) {
  const auto parsed = parse_notification(
      "{\"Records\":[{\"eventName\":\"ObjectCreated:Post\",\"eventSource\":\"aws:s3\","
      "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"caf\xc3\xa9 menu+1%.txt\"}}}]}");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].key, "caf\xc3\xa9 menu+1%.txt");
}

TEST(NotificationParser, UnknownEventNameKeepsItsName) {
  const auto parsed = parse_notification(
      R"({"Records":[{"eventName":"s3:ObjectAcl:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]})");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].kind, EventKind::kOther);
  EXPECT_EQ(parsed.records[0].name, "ObjectAcl:Put");
}

TEST(NotificationParser, TaggingEventsAreKnownKinds) {
  const auto parsed = parse_notification(
      R"({"Records":[{"eventName":"s3:ObjectTagging:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}},)"
      R"({"eventName":"ObjectTagging:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]})");
  ASSERT_EQ(parsed.records.size(), 2u);
  EXPECT_EQ(parsed.records[0].kind, EventKind::kObjectTaggingPut);
  EXPECT_EQ(parsed.records[1].kind, EventKind::kObjectTaggingDelete);
  EXPECT_EQ(event_kind_name(EventKind::kObjectTaggingDelete), "ObjectTagging:Delete");
}

TEST(NotificationParser, FieldsWeDoNotReadMayHoldAnything) {
  // Nested objects and arrays around and inside a record are skipped, optional strings of another
  // type count as absent, and an integer size of any width is kept.
  const auto parsed = parse_notification(R"({"meta":{"a":[1,{"Records":[]}],"b":null},
    "Records":[{"eventName":"ObjectCreated:Put","eventTime":12,"eventSource":["x"],
      "extra":[[{"eventName":"nope"}]],"s3":{"bucket":{"name":"b","ownerIdentity":{"p":"q"}},
      "object":{"key":"k","size":18446744073709551615,"eTag":{"x":1},"userMetadata":{"k":"v"}}}},
      {"eventName":"ObjectRemoved:Delete","s3":{"object":{"key":"k2"},"bucket":{"name":"b2"}}}],
    "tail":true})");
  ASSERT_EQ(parsed.records.size(), 2u);
  const auto& first = parsed.records[0];
  EXPECT_EQ(first.name, "ObjectCreated:Put");
  EXPECT_EQ(first.bucket, "b");
  EXPECT_EQ(first.key, "k");
  EXPECT_EQ(first.size, 18446744073709551615u);
  EXPECT_EQ(first.event_time, "");
  EXPECT_EQ(first.event_source, "");
  EXPECT_EQ(first.etag, "");
  EXPECT_EQ(parsed.records[1].bucket, "b2");
  EXPECT_EQ(parsed.records[1].key, "k2");
  EXPECT_EQ(parsed.records[1].kind, EventKind::kObjectRemovedDelete);
}

TEST(NotificationParser, EscapesNumbersAndDeepNestingAreReadLikeAnyJson) {
  std::string deep;
  for (int i = 0; i < 80; ++i) deep += "[";
  for (int i = 0; i < 80; ++i) deep += "]";
  const auto parsed = parse_notification(
      R"({"n":[-1,0,1.5,2e3,-0.25E-2,true,false,null],"deep":)" + deep +
      R"(,"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
      R"("object":{"key":"a\"b\\c\/d\u00e9","size":0}}}]})");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].key, "a\"b\\c/d\xc3\xa9");
  EXPECT_EQ(parsed.records[0].size, 0u);
}

TEST(NotificationParser, RepeatedFieldKeepsTheLastValue) {
  const auto parsed = parse_notification(
      R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
      R"("object":{"key":"first","key":"second"}}}]})");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].key, "second");
}

TEST(NotificationParser, EmptyRecordsIsAcceptedAsNothing) {
  EXPECT_TRUE(parse_notification(R"({"Records":[]})").records.empty());
}

// eventVersion 2.1 with every field a record can carry.
constexpr const char* kAwsFull = R"({"Records":[{
  "eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",
  "eventTime":"2025-11-07T09:41:23.870Z","eventName":"ObjectCreated:Put",
  "userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},
  "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQp"},
  "s3":{"s3SchemaVersion":"1.0","configurationId":"c1",
        "bucket":{"name":"test-bucket","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},
                  "arn":"arn:aws:s3:::test-bucket"},
        "object":{"key":"k","size":29,"eTag":"b72a05983f663132daaf4688bb919f80",
                  "versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko","sequencer":"0055AED6DCD90281E5"}}}]})";

constexpr std::uint32_t kEveryField =
    kFieldEventVersion | kFieldEventSource | kFieldAwsRegion | kFieldEventTime | kFieldEventName |
    kFieldBucketName | kFieldBucketArn | kFieldKey | kFieldSize | kFieldEtag | kFieldSequencer |
    kFieldVersionId | kFieldPrincipalId | kFieldRequestId | kFieldS3SchemaVersion |
    kFieldConfigurationId;

TEST(NotificationParserFields, AwsRecordCarriesEveryField) {
  const auto parsed = parse_notification(kAwsFull);
  ASSERT_EQ(parsed.records.size(), 1u);
  const auto& r = parsed.records[0];
  EXPECT_EQ(r.fields, kEveryField);
  EXPECT_EQ(r.fields, 0xFFFFu);
  EXPECT_EQ(r.sequencer, "0055AED6DCD90281E5");
  EXPECT_EQ(r.version_id, "096fKKXTRTtl3on89fVO.nfljtsv6qko");
  EXPECT_EQ(r.event_version, "2.1");
  EXPECT_EQ(r.key, "k");
  EXPECT_EQ(r.size, 29u);
}

TEST(NotificationParserFields, FieldsARecordLacksAreNotMarked) {
  const auto aws = parse_notification(kAwsPut).records.at(0);
  EXPECT_EQ(aws.fields, kEveryField & ~(kFieldVersionId | kFieldPrincipalId | kFieldRequestId));
  EXPECT_EQ(aws.version_id, "");
  EXPECT_EQ(aws.sequencer, "0055AED6DCD90281E5");

  const auto minimal = parse_notification(R"({"Records":[{"eventName":"ObjectRemoved:Delete",)"
                                          R"("s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]})")
                           .records.at(0);
  EXPECT_EQ(minimal.fields, kFieldEventName | kFieldBucketName | kFieldKey);
  EXPECT_EQ(minimal.sequencer, "");
  EXPECT_EQ(minimal.version_id, "");
  EXPECT_EQ(minimal.event_version, "");
}

TEST(NotificationParserFields, FieldsOfAnotherTypeCountAsAbsent) {
  const auto r =
      parse_notification(
          R"({"Records":[{"eventVersion":[2],"eventSource":null,"awsRegion":1,"eventTime":{},)"
          R"("eventName":"ObjectCreated:Put","userIdentity":"AWS:X",)"
          R"("responseElements":{"x-amz-request-id":7},)"
          R"("s3":{"s3SchemaVersion":1.0,"configurationId":false,"bucket":{"name":"b","arn":[]},)"
          R"("object":{"key":"k","eTag":5,"versionId":null,"sequencer":{"s":"1"}}}}]})")
          .records.at(0);
  EXPECT_EQ(r.fields, kFieldEventName | kFieldBucketName | kFieldKey);
  EXPECT_EQ(r.event_version, "");
  EXPECT_EQ(r.version_id, "");
  EXPECT_EQ(r.sequencer, "");
  EXPECT_EQ(r.etag, "");
}

TEST(NotificationParserFields, EmptyStringsAreCarried) {
  // Ceph sends "versionId":"" on an unversioned bucket: carried, and empty.
  const auto r =
      parse_notification(R"({"Records":[{"eventVersion":"","eventName":"ObjectCreated:Put",)"
                         R"("s3":{"bucket":{"name":"b"},"object":{"key":"k","size":"",)"
                         R"("versionId":"","sequencer":""}}}]})")
          .records.at(0);
  EXPECT_EQ(r.fields, kFieldEventVersion | kFieldEventName | kFieldBucketName | kFieldKey |
                          kFieldSize | kFieldVersionId | kFieldSequencer);
  EXPECT_EQ(r.size, 0u);
}

TEST(NotificationParserFields, CephRecord) {
  const auto r = parse_notification(R"({"Records":[{"eventVersion":"2.2","eventSource":"ceph:s3",
    "awsRegion":"default","eventTime":"2025-11-07T10:00:00.123456Z","eventName":"ObjectCreated:Copy",
    "userIdentity":{"principalId":"tester"},"requestParameters":{"sourceIPAddress":""},
    "responseElements":{"x-amz-request-id":"6b1c.4137.1","x-amz-id-2":"1029-default-default"},
    "s3":{"s3SchemaVersion":"1.0","configurationId":"n1","bucket":{"name":"b","id":"x.1",
          "ownerIdentity":{"principalId":"tester"},"arn":"arn:aws:s3:default::b"},
          "object":{"key":"a%20b","size":"1024","eTag":"\"5d41402abc4b2a76b9719d911017c592\"",
                    "versionId":"","sequencer":"F1A0A26618D5B70F","metadata":[],"tags":[]}},
    "eventId":"1.2","opaqueData":""}]})")
                     .records.at(0);
  EXPECT_EQ(r.fields, kEveryField);
  EXPECT_EQ(r.event_version, "2.2");
  EXPECT_EQ(r.sequencer, "F1A0A26618D5B70F");
  EXPECT_EQ(r.version_id, "");
  EXPECT_EQ(r.etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(r.size, 1024u);
}

TEST(NotificationParserFields, MinioEnvelope) {
  const auto r =
      parse_notification(
          R"({"EventName":"s3:ObjectCreated:Put","Key":"b/k","Records":[{"eventVersion":"2.0",)"
          R"("eventSource":"minio:s3","awsRegion":"","eventTime":"2025-11-07T09:41:23.870Z",)"
          R"("eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"minioadmin"},)"
          R"("responseElements":{"x-amz-id-2":"dd90","x-amz-request-id":"1805B25A6E4B2E2F"},)"
          R"("s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"b",)"
          R"("arn":"arn:aws:s3:::b"},"object":{"key":"k","size":4096,"eTag":"e",)"
          R"("userMetadata":{"content-type":"text/plain"},"sequencer":"1805B25A6E5E6B1A"}},)"
          R"("source":{"host":"127.0.0.1","port":"","userAgent":"MinIO"}}]})")
          .records.at(0);
  EXPECT_EQ(r.fields, kEveryField & ~kFieldVersionId);
  EXPECT_EQ(r.event_version, "2.0");
  EXPECT_EQ(r.sequencer, "1805B25A6E5E6B1A");
  EXPECT_EQ(r.name, "ObjectCreated:Put");
}

TEST(NotificationParserFields, SnsWrappedRecordKeepsItsFields) {
  const auto r =
      parse_notification(
          R"({"Type":"Notification","Message":"{\"Records\":[{\"eventVersion\":\"2.1\",)"
          R"(\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},)"
          R"(\"object\":{\"key\":\"k\",\"versionId\":\"v1\",\"sequencer\":\"0A\"}}}]}"})")
          .records.at(0);
  EXPECT_EQ(r.fields, kFieldEventVersion | kFieldEventName | kFieldBucketName | kFieldKey |
                          kFieldVersionId | kFieldSequencer);
  EXPECT_EQ(r.version_id, "v1");
  EXPECT_EQ(r.sequencer, "0A");
  EXPECT_EQ(r.event_version, "2.1");
}

TEST(NotificationParserFields, EventBridgeEvent) {
  const auto r =
      parse_notification(eventbridge("Object Created", R"(,"reason":"PutObject")")).records.at(0);
  EXPECT_EQ(r.sequencer, "617f08299329d189");
  EXPECT_EQ(r.version_id, "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e");
  EXPECT_EQ(r.event_version, "");
  EXPECT_EQ(r.fields, kEveryField & ~(kFieldEventVersion | kFieldBucketArn | kFieldS3SchemaVersion |
                                      kFieldConfigurationId));

  const auto bare =
      parse_notification(
          R"({"detail-type":"Object Deleted","detail":{"bucket":{"name":"b"},"object":{"key":"k"}}})")
          .records.at(0);
  EXPECT_EQ(bare.fields, kFieldEventName | kFieldBucketName | kFieldKey);
  EXPECT_EQ(bare.sequencer, "");
  EXPECT_EQ(bare.version_id, "");
  EXPECT_EQ(bare.kind, EventKind::kObjectRemovedDelete);
}

TEST(NotificationParser, EscapedFieldNamesAreTheFieldsTheySpell) {
  const auto parsed = parse_notification(
      R"({"Rec\u006frds":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
      R"("object":{"\u006bey":"k","s\u0065quencer":"0B"}}}]})");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].key, "k");
  EXPECT_EQ(parsed.records[0].sequencer, "0B");
}

// Field names are scanned eight bytes at a time for their closing quote or a backslash: every
// length around those steps, and an escape at every position of an unknown field's name, still
// reads the fields we know and refuses none.
TEST(NotificationParser, FieldNamesOfAnyLengthAndEscapeAtAnyPositionAreRead) {
  for (std::size_t length = 0; length <= 19; ++length) {
    for (std::size_t escape_at = 0; escape_at <= length; ++escape_at) {
      std::string name(length, 'x');
      if (escape_at < length) name.replace(escape_at, 1, "\\u0079");  // "y", escaped
      const std::string body = R"({"Records":[{"eventName":"ObjectCreated:Put",")" + name +
                               R"(":1,"s3":{"bucket":{"name":"b"},"object":{"key":"k",")" + name +
                               R"(":"v","s\u0069ze":)" + std::to_string(length) + "}}}]}";
      const auto parsed = parse_notification(body);
      ASSERT_EQ(parsed.records.size(), 1u) << body;
      EXPECT_EQ(parsed.records[0].key, "k") << body;
      EXPECT_EQ(parsed.records[0].size, length) << body;
    }
  }
}

bool same_record(const EventRecord& a, const EventRecord& b) {
  return a.kind == b.kind && a.name == b.name && a.bucket == b.bucket && a.key == b.key &&
         a.size == b.size && a.etag == b.etag && a.event_time == b.event_time &&
         a.event_source == b.event_source && a.sequencer == b.sequencer &&
         a.version_id == b.version_id && a.event_version == b.event_version && a.fields == b.fields;
}

// The receiver parses every delivery into one Notification per thread: what an earlier body left
// in it (more records, fields this body lacks, a subscription, a test event) never shows through.
TEST(NotificationParser, ParsingIntoAReusedNotificationGivesWhatAFreshOneGets) {
  const std::string two_records =
      R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"r",)"
      R"("eventTime":"2025-11-07T09:41:23.870Z","eventName":"s3:ObjectCreated:Put",)"
      R"("s3":{"bucket":{"name":"a-bucket-with-a-long-name"},"object":{"key":"first/key/long",)"
      R"("size":5,"eTag":"\"b72a05983f663132daaf4688bb919f80\"","sequencer":"0055AED6DCD90281E5",)"
      R"("versionId":"v1"}}},{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},)"
      R"("object":{"key":"second"}}}]})";
  const std::string bare =
      R"({"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"c"},)"
      R"("object":{"key":"k"}}}]})";
  const std::vector<std::string> bodies = {
      two_records,
      bare,
      two_records,
      R"({"Event":"s3:TestEvent","Records":[]})",
      two_records,
      R"({"Type":"SubscriptionConfirmation","SubscribeURL":"http://127.0.0.1:1/c"})",
      R"({"Type":"Notification","Message":"{\"Records\":[]}"})",
      eventbridge("Object Created", R"(,"reason":"PutObject")"),
      bare,
  };
  Notification reused;
  for (const auto& body : bodies) {
    const Notification fresh = parse_notification(body);
    parse_notification(body, reused);
    ASSERT_EQ(reused.records.size(), fresh.records.size()) << body;
    for (std::size_t i = 0; i < fresh.records.size(); ++i) {
      EXPECT_TRUE(same_record(reused.records[i], fresh.records[i])) << body << " record " << i;
    }
    EXPECT_EQ(reused.test_events, fresh.test_events) << body;
    EXPECT_EQ(reused.subscribe_url, fresh.subscribe_url) << body;
  }
  EXPECT_THROW(parse_notification("{\"Records\":7}", reused), NotificationParseError);
  parse_notification(bare, reused);
  ASSERT_EQ(reused.records.size(), 1u);
  EXPECT_EQ(reused.records[0].key, "k");
  EXPECT_EQ(reused.records[0].etag, "");
}

TEST(NotificationParser, NestingIsFollowedTo1024LevelsAndRefusedPast) {
  const auto nested = [](int levels) {
    return R"({"x":)" + std::string(levels, '[') + std::string(levels, ']') + R"(,"Records":[]})";
  };
  EXPECT_TRUE(parse_notification(nested(1000)).records.empty());
  try {
    parse_notification(nested(100000));
    FAIL() << "accepted";
  } catch (const NotificationParseError& e) {
    EXPECT_STREQ(e.what(), "body nests deeper than 1024 levels");
  }
}

TEST(NotificationParser, ALeadingByteOrderMarkIsSkipped) {
  EXPECT_TRUE(parse_notification("\xEF\xBB\xBF{\"Records\":[]}").records.empty());
}

TEST(NotificationParser, IntegersPast64BitsAreNumbersButNoSize) {
  // JSON allows them (read as floats); a size must fit 64 bits.
  EXPECT_TRUE(
      parse_notification(R"({"Records":[],"x":123456789012345678901234567890})").records.empty());
  try {
    parse_notification(
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
        R"("object":{"key":"k","size":18446744073709551616}}}]})");
    FAIL() << "accepted";
  } catch (const NotificationParseError& e) {
    EXPECT_STREQ(e.what(), "record: \"size\" is not a non-negative number");
  }
}

// The reason each refusal gives, one line, the same as before the reader moved to simdjson.
class RejectedBodyReason : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(RejectedBodyReason, SaysWhy) {
  try {
    parse_notification(GetParam().first);
    FAIL() << "accepted " << GetParam().first;
  } catch (const NotificationParseError& e) {
    EXPECT_STREQ(e.what(), GetParam().second) << GetParam().first;
  }
}

INSTANTIATE_TEST_SUITE_P(
    NotificationParser, RejectedBodyReason,
    ::testing::Values(
        std::pair{"", "body is not valid JSON"},
        std::pair{R"({"Records":[],"x":tru})", "body is not valid JSON"},
        std::pair{R"({"Records":[],"x":1e400})", "body is not valid JSON"},
        std::pair{R"({"Records":[],"x":"\q"})", "body is not valid JSON"},
        std::pair{"{\"Records\":[],\"x\":\"\xff\"}", "body is not valid JSON"},
        std::pair{"[]", "body is not a JSON object"},
        std::pair{"123456789012345678901234567890", "body is not a JSON object"},
        std::pair{"{}",
                  "body has no \"Records\" (nor an SNS \"Type\" or an s3:TestEvent \"Event\")"},
        std::pair{R"({"Records":{}})", "\"Records\" is not an array"},
        std::pair{R"({"Records":[1]})", "Records: an element is not an object"},
        std::pair{R"({"Records":[{}]})", "record: missing string field \"eventName\""},
        std::pair{R"({"Records":[{"eventName":"a","s3":1}]})", "record: missing object \"s3\""},
        std::pair{R"({"Records":[{"eventName":"a","s3":{}}]})",
                  "record.s3: missing object \"bucket\""},
        std::pair{R"({"Records":[{"eventName":"a","s3":{"bucket":{}}}]})",
                  "record.s3.bucket: missing string field \"name\""},
        std::pair{R"({"Records":[{"eventName":"a","s3":{"bucket":{"name":"b"}}}]})",
                  "record.s3: missing object \"object\""},
        std::pair{R"({"Records":[{"eventName":"a","s3":{"bucket":{"name":"b"},"object":{}}}]})",
                  "record.s3.object: missing string field \"key\""},
        std::pair{R"({"Records":[{"eventName":"a","s3":{"bucket":{"name":"b"},)"
                  R"("object":{"key":"k","size":"x"}}}]})",
                  "record: \"size\" is not a number"},
        std::pair{R"({"Records":[{"eventName":"a","s3":{"bucket":{"name":"b"},)"
                  R"("object":{"key":"k","size":-1}}}]})",
                  "record: \"size\" is not a non-negative number"},
        // The first bad record decides, and a test event wins over bad records.
        std::pair{R"({"Records":[{"eventName":1},{}]})",
                  "record: missing string field \"eventName\""},
        std::pair{R"({"detail-type":"Object Created"})",
                  "EventBridge event: missing object \"detail\""},
        std::pair{R"({"detail-type":1,"detail":{}})",
                  "EventBridge event: missing string field \"detail-type\""},
        std::pair{R"({"detail-type":"Object Created","detail":{}})",
                  "EventBridge detail: missing object \"bucket\""},
        std::pair{R"({"detail-type":"Object Created","detail":{"bucket":{}}})",
                  "EventBridge detail.bucket: missing string field \"name\""},
        std::pair{R"({"detail-type":"Object Created","detail":{"bucket":{"name":"b"}}})",
                  "EventBridge detail: missing object \"object\""},
        std::pair{
            R"({"detail-type":"Object Created","detail":{"bucket":{"name":"b"},"object":{}}})",
            "EventBridge detail.object: missing string field \"key\""},
        std::pair{R"({"Type":"Notification"})",
                  "SNS Notification: missing string field \"Message\""},
        std::pair{R"({"Type":"Notification","Message":"nope"})", "SNS Message is not valid JSON"},
        std::pair{R"({"Type":"Notification","Message":"[]"})", "body is not a JSON object"},
        std::pair{R"({"Type":"SubscriptionConfirmation"})",
                  "SNS SubscriptionConfirmation: missing string field \"SubscribeURL\""},
        std::pair{R"({"Type":"Surprise"})", "unknown SNS message Type \"Surprise\""}));

TEST(NotificationParser, ATestEventWinsOverBadRecords) {
  EXPECT_EQ(parse_notification(R"({"Records":[1],"Event":"s3:TestEvent"})").test_events, 1u);
}

class RejectedBody : public ::testing::TestWithParam<const char*> {};

TEST_P(RejectedBody, Throws) {
  EXPECT_THROW(parse_notification(GetParam()), NotificationParseError);
}

INSTANTIATE_TEST_SUITE_P(
    NotificationParser, RejectedBody,
    ::testing::Values(
        "", "{", "not json", R"({"Records":[)", "[]", "42", R"("Records")", R"({})",
        R"({"Records":{}})", R"({"Records":[1]})", R"({"Records":[{}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put"}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"}}}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":7}}}]})",
        R"({"Records":[{"eventName":5,"s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":-1}}}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":"12a"}}}]})",
        // A size past 2^64 - 1, as text, is not a number (it must not wrap around).
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":"18446744073709551616"}}}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":"+1"}}}]})",
        R"({"Type":"Notification"})", R"({"Type":"Notification","Message":"not json"})",
        R"({"Type":"Notification","Message":"{\"nothing\":1}"})",
        R"({"Type":"SubscriptionConfirmation"})", R"({"Type":"Surprise","Message":"{}"})",
        R"({"Records":["x"]})", R"({"Records":[[]]})", R"({"Records":[null]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":"x"}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":[],"object":{"key":"k"}}}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":1.5}}}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":null}}}]})",
        R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]} trailing)",
        R"({"Records":[],"x":01})", R"({"Records":[],"x":1.})", R"({"Records":[],"x":-})",
        R"({"Records":[],"x":[1,]})", R"({"Records":[],"x":{"a":1,}})", R"({"Records":[],"x":tru})",
        R"({"Records":[],"x":"tab	inside"})", R"({"Records":[]} {})", R"({"Records":[],})",
        // Structure after a value no field reads is checked too.
        R"({"Records":"ax":,]})", R"({"Records":[],"x":7:,]})", R"({"Records":[],"x":[1 2]})",
        R"({"Records":[],"x":{"a" "b"}})"));

TEST(KeyEncoding, DecodesPlusAndPercent) {
  EXPECT_EQ(decode_event_key("a+b%2Bc%25d%C3%A9"), std::optional<std::string>("a b+c%d\xc3\xa9"));
  EXPECT_EQ(decode_event_key("plain/key.txt"), std::optional<std::string>("plain/key.txt"));
  EXPECT_EQ(decode_event_key("100%"), std::nullopt);
  EXPECT_EQ(decode_event_key("100%2"), std::nullopt);
  EXPECT_EQ(decode_event_key("%zz"), std::nullopt);
}

TEST(KeyEncoding, RawOnlyBytes) {
  EXPECT_TRUE(has_raw_only_bytes("a b"));
  EXPECT_TRUE(has_raw_only_bytes("caf\xc3\xa9"));
  EXPECT_FALSE(has_raw_only_bytes("a+b%20c"));
  EXPECT_TRUE(may_be_encoded("a+b"));
  EXPECT_FALSE(may_be_encoded("a/b"));
}

}  // namespace
}  // namespace s3storm::events
