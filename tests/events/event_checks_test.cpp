#include "events/event_checks.hpp"

#include <gtest/gtest.h>

namespace s3storm::events {
namespace {

TEST(SequencerValue, ComparesAsLeftPaddedHex) {
  const auto value = [](std::string_view text) { return sequencer_value(text).value(); };
  EXPECT_LT(value("09"), value("A"));  // "0A" > "09" once padded
  EXPECT_LT(value("0055AED6DCD90281E5"), value("0055AED6DCD90281E6"));
  EXPECT_EQ(value("00ff"), value("FF"));                                     // case does not matter
  EXPECT_LT(value("FFFFFFFFFFFFFFFF"), value("10000000000000000"));          // past 64 bits
  EXPECT_EQ(value("0000000000000000000000000000000000000001"), value("1"));  // leading zeros
}

TEST(SequencerValue, RefusesWhatCannotBeCompared) {
  EXPECT_FALSE(sequencer_value(""));
  EXPECT_FALSE(sequencer_value("12G4"));
  EXPECT_FALSE(sequencer_value("-1"));
  EXPECT_FALSE(sequencer_value(std::string(33, 'F')));  // more than 32 significant digits
  EXPECT_TRUE(sequencer_value(std::string(32, 'F')));
}

TEST(RequiredFields, FollowTheEventStructure) {
  const auto created = required_fields("ObjectCreated:Put", "2.1");
  EXPECT_TRUE(created & kFieldSequencer);
  EXPECT_TRUE(created & kFieldSize);
  EXPECT_TRUE(created & kFieldEtag);
  EXPECT_FALSE(created & kFieldVersionId);  // only on versioned buckets
  const auto removed = required_fields("s3:ObjectRemoved:Delete", "2.2");
  EXPECT_TRUE(removed & kFieldSequencer);
  EXPECT_FALSE(removed & kFieldSize);
  EXPECT_FALSE(removed & kFieldEtag);
  EXPECT_FALSE(required_fields("ObjectTagging:Put", "2.3") & kFieldSequencer);
  EXPECT_EQ(required_fields("ObjectCreated:Put", ""), 0u);  // EventBridge: its own shape
}

TEST(RequiredFields, AreNamedAsTheRecordSpellsThem) {
  EXPECT_EQ(field_names(kFieldSequencer | kFieldEtag), "eTag, sequencer");
  EXPECT_EQ(field_names(kFieldAwsRegion), "awsRegion");
  EXPECT_EQ(field_names(0), "");
}

}  // namespace
}  // namespace s3storm::events
