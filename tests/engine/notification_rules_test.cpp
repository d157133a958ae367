#include "engine/notification_rules.hpp"

#include <gtest/gtest.h>

#include "engine/prepared_step.hpp"

namespace s3storm::engine {
namespace {

using events::EventKind;

TEST(EventFilterCovers, WildcardsExactNamesAndPrefixes) {
  EXPECT_TRUE(event_filter_covers("s3:ObjectCreated:*", EventKind::kObjectCreatedPut));
  EXPECT_TRUE(
      event_filter_covers("s3:ObjectCreated:*", EventKind::kObjectCreatedCompleteMultipartUpload));
  EXPECT_FALSE(event_filter_covers("s3:ObjectCreated:*", EventKind::kObjectRemovedDelete));
  EXPECT_TRUE(event_filter_covers("s3:ObjectRemoved:Delete", EventKind::kObjectRemovedDelete));
  EXPECT_TRUE(event_filter_covers("ObjectCreated:Copy", EventKind::kObjectCreatedCopy));
  EXPECT_FALSE(event_filter_covers("s3:ObjectCreated:Put", EventKind::kObjectCreatedPost));
  EXPECT_FALSE(event_filter_covers("s3:Object*", EventKind::kObjectCreatedPut));
}

scenario::Scenario with_source(scenario::EventSource source) {
  scenario::Scenario s;
  s.events.source = source;
  return s;
}

TEST(NotificationRules, NothingIsExpectedWithoutAnEventSource) {
  const auto s = with_source(scenario::EventSource::kNone);
  EXPECT_FALSE(NotificationRules(s).expects("b", "k", EventKind::kObjectCreatedPut));
}

TEST(NotificationRules, EverythingWhenNotificationsWereSetUpElsewhere) {
  const auto s = with_source(scenario::EventSource::kWebhook);
  const NotificationRules rules(s);
  EXPECT_TRUE(rules.expects("any-bucket", "k", EventKind::kObjectRemovedDelete));
}

TEST(NotificationRules, ListedConfigurationsDecideByBucketFilterPrefixAndSuffix) {
  auto s = with_source(scenario::EventSource::kWebhook);
  scenario::Notification created;
  created.bucket = "media";
  created.events = {"s3:ObjectCreated:*"};
  created.prefix = "images/";
  created.suffix = ".jpg";
  s.setup.notifications.push_back(created);
  const NotificationRules rules(s);
  EXPECT_TRUE(rules.expects("media", "images/a.jpg", EventKind::kObjectCreatedPut));
  EXPECT_FALSE(rules.expects("media", "images/a.png", EventKind::kObjectCreatedPut));
  EXPECT_FALSE(rules.expects("media", "docs/a.jpg", EventKind::kObjectCreatedPut));
  EXPECT_FALSE(rules.expects("media", "images/a.jpg", EventKind::kObjectRemovedDelete));
  EXPECT_FALSE(rules.expects("other", "images/a.jpg", EventKind::kObjectCreatedPut));
}

TEST(PreparedStep, FormatsHeadersOnceAndKnowsItsEvent) {
  scenario::Step step;
  step.op = OpKind::kPut;
  step.content_type = "text/plain";
  step.metadata = {{"owner", "qa"}};
  step.storage_class = "STANDARD_IA";
  const PreparedStep prepared(step);
  ASSERT_EQ(prepared.headers.size(), 3u);
  EXPECT_EQ(prepared.headers[0].name, "content-type");
  EXPECT_EQ(prepared.headers[1].name, "x-amz-meta-owner");
  EXPECT_EQ(prepared.headers[1].value, "qa");
  EXPECT_EQ(prepared.headers[2].value, "STANDARD_IA");
  EXPECT_EQ(prepared.notifies, EventKind::kObjectCreatedPut);

  scenario::Step aborted;
  aborted.op = OpKind::kMultipart;
  aborted.abort = true;
  EXPECT_FALSE(PreparedStep(aborted).notifies.has_value());
}

TEST(PreparedPhase, MixPicksByWeight) {
  scenario::Phase phase;
  phase.is_mix = true;
  scenario::WeightedStep put{3, {}};
  scenario::WeightedStep get{1, {}};
  get.step.op = OpKind::kGet;
  phase.mix = {put, get};
  const PreparedPhase prepared(phase);
  EXPECT_EQ(prepared.pick(0.0), 0u);
  EXPECT_EQ(prepared.pick(0.74), 0u);
  EXPECT_EQ(prepared.pick(0.76), 1u);
  EXPECT_EQ(prepared.pick(0.999999), 1u);
}

}  // namespace
}  // namespace s3storm::engine
