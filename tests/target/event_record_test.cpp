#include "target/event_record.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "target/event_router.hpp"

namespace s3storm::target {
namespace {

EventDetails sample() {
  EventDetails event;
  event.event_name = "ObjectCreated:Put";
  event.bucket = "test-bucket";
  event.key = "dir/a b+c é.txt";
  event.size = 29;
  event.etag = "0123456789abcdef0123456789abcdef";
  event.sequencer = "0000000000000000AB";
  event.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'764'100'862'345));
  event.region = "eu-west-1";
  event.source_ip = "127.0.0.1";
  event.request_id = "REQ1";
  event.configuration_id = "cfg";
  return event;
}

TEST(EventRecord, HasAwsShape) {
  const auto message = nlohmann::json::parse(event_message_json(sample()));
  ASSERT_EQ(message["Records"].size(), 1u);
  const auto& record = message["Records"][0];
  EXPECT_EQ(record["eventVersion"], "2.1");
  EXPECT_EQ(record["eventSource"], "aws:s3");
  EXPECT_EQ(record["awsRegion"], "eu-west-1");
  EXPECT_EQ(record["eventTime"], "2025-11-25T20:01:02.345Z");
  EXPECT_EQ(record["eventName"], "ObjectCreated:Put");
  EXPECT_EQ(record["requestParameters"]["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(record["responseElements"]["x-amz-request-id"], "REQ1");
  EXPECT_EQ(record["s3"]["s3SchemaVersion"], "1.0");
  EXPECT_EQ(record["s3"]["configurationId"], "cfg");
  EXPECT_EQ(record["s3"]["bucket"]["name"], "test-bucket");
  EXPECT_EQ(record["s3"]["bucket"]["arn"], "arn:aws:s3:::test-bucket");
  const auto& object = record["s3"]["object"];
  EXPECT_EQ(object["key"], "dir/a+b%2Bc+%C3%A9.txt");
  EXPECT_EQ(object["size"], 29);
  EXPECT_EQ(object["eTag"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(object["sequencer"], "0000000000000000AB");
  EXPECT_EQ(nlohmann::json::parse(event_record_json(sample())), record);
}

TEST(EventRecord, RemovalsCarryNoSizeOrEtag) {
  auto event = sample();
  event.event_name = "ObjectRemoved:Delete";
  event.size.reset();
  const auto record = nlohmann::json::parse(event_record_json(event));
  EXPECT_FALSE(record["s3"]["object"].contains("size"));
  EXPECT_FALSE(record["s3"]["object"].contains("eTag"));
  EXPECT_TRUE(record["s3"]["object"].contains("sequencer"));
}

TEST(EventRecord, TaggingEventsCarryTheVersionsEtagAndVersionId) {
  auto event = sample();
  event.event_name = "ObjectTagging:Put";
  event.size.reset();
  event.version_id = "0123456789ABCDEF";
  const auto record = nlohmann::json::parse(event_record_json(event));
  EXPECT_EQ(record["eventVersion"], "2.3");  // S3's version for tagging events
  EXPECT_FALSE(record["s3"]["object"].contains("size"));
  EXPECT_EQ(record["s3"]["object"]["eTag"], event.etag);
  EXPECT_EQ(record["s3"]["object"]["versionId"], "0123456789ABCDEF");
}

TEST(EventRecord, VersionIdOnlyWhenTheBucketHasVersioning) {
  auto event = sample();
  EXPECT_FALSE(
      nlohmann::json::parse(event_record_json(event))["s3"]["object"].contains("versionId"));
  event.event_name = "ObjectRemoved:DeleteMarkerCreated";
  event.size.reset();
  event.version_id = "null";
  const auto record = nlohmann::json::parse(event_record_json(event));
  EXPECT_EQ(record["s3"]["object"]["versionId"], "null");
  EXPECT_FALSE(record["s3"]["object"].contains("eTag"));
}

TEST(EventRecord, SequencersIncrease) {
  const std::string first = format_sequencer(next_sequencer());
  const std::string second = format_sequencer(next_sequencer());
  EXPECT_EQ(first.size(), 18u);
  EXPECT_LT(first, second);
  EXPECT_EQ(format_sequencer(0xABC), "000000000000000ABC");
}

TEST(EventRouting, ConfiguredNamesSelectEvents) {
  EXPECT_TRUE(event_selected("s3:ObjectCreated:*", "ObjectCreated:Put"));
  EXPECT_TRUE(event_selected("s3:ObjectCreated:*", "ObjectCreated:CompleteMultipartUpload"));
  EXPECT_TRUE(event_selected("ObjectRemoved:*", "ObjectRemoved:Delete"));
  EXPECT_TRUE(event_selected("s3:ObjectCreated:Copy", "ObjectCreated:Copy"));
  EXPECT_FALSE(event_selected("s3:ObjectCreated:Copy", "ObjectCreated:Put"));
  EXPECT_FALSE(event_selected("s3:ObjectRemoved:*", "ObjectCreated:Put"));
  EXPECT_FALSE(event_selected("s3:Object*", "ObjectCreated:Put"));
}

TEST(EventRouting, RouterFollowsConfigurationAndFaults) {
  ObjectStore store;
  store.create_bucket("configured");
  store.create_bucket("bare");
  store.set_notification_rules(
      "configured",
      {{"QueueConfiguration", "Queue", "id1", "arn:q", {"s3:ObjectRemoved:*"}, "", ""}});
  std::vector<std::string> delivered;
  EventDispatcher dispatcher(
      DispatcherOptions{"", [&](std::string json) { delivered.push_back(std::move(json)); }});
  FaultInjector faults(FaultPlan{}, 1);
  EventRouter router(store, dispatcher, faults, /*emit_unconfigured=*/false, "us-east-1");
  dispatcher.start();
  auto event = sample();
  event.bucket = "configured";
  router.emit(event);  // ObjectCreated:Put: not selected
  event.event_name = "ObjectRemoved:Delete";
  router.emit(event);
  event.bucket = "bare";
  router.emit(event);  // no configuration, no --notify: nothing
  dispatcher.stop();
  ASSERT_EQ(delivered.size(), 1u);
  const auto record = nlohmann::json::parse(delivered[0])["Records"][0];
  EXPECT_EQ(record["eventName"], "ObjectRemoved:Delete");
  EXPECT_EQ(record["s3"]["configurationId"], "id1");

  delivered.clear();
  FaultPlan dup;
  dup.event_dup = 1;
  FaultInjector always_dup(dup, 1);
  EventDispatcher second(
      DispatcherOptions{"", [&](std::string json) { delivered.push_back(std::move(json)); }});
  EventRouter everything(store, second, always_dup, /*emit_unconfigured=*/true, "us-east-1");
  second.start();
  everything.emit(event);  // bucket "bare" now emits, twice
  second.stop();
  EXPECT_EQ(delivered.size(), 2u);
  EXPECT_EQ(everything.duplicated_by_fault(), 1u);
}

TEST(EventRouting, KeyFiltersSelectByPrefixAndSuffix) {
  ObjectStore store;
  store.create_bucket("filtered");
  store.set_notification_rules(
      "filtered",
      {{"QueueConfiguration", "Queue", "logs", "arn:q", {"s3:ObjectCreated:*"}, "logs/", ".txt"}});
  std::vector<std::string> delivered;
  EventDispatcher dispatcher(
      DispatcherOptions{"", [&](std::string json) { delivered.push_back(std::move(json)); }});
  FaultInjector faults(FaultPlan{}, 1);
  EventRouter router(store, dispatcher, faults, /*emit_unconfigured=*/false, "us-east-1");
  dispatcher.start();
  auto event = sample();
  event.bucket = "filtered";
  for (const char* key : {"logs/a.txt", "logs/a.bin", "other/a.txt", "logs/.txt", "logs.txt"}) {
    event.key = key;
    router.emit(event);
  }
  dispatcher.stop();
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(delivered[0])["Records"][0]["s3"]["object"]["key"], "logs/a.txt");
  EXPECT_EQ(nlohmann::json::parse(delivered[1])["Records"][0]["s3"]["object"]["key"], "logs/.txt");
}

}  // namespace
}  // namespace s3storm::target
