#include "util/iso_time.hpp"

#include <gtest/gtest.h>

namespace s3storm {
namespace {

using namespace std::chrono;

TEST(IsoTime, FormatsMillisecondsUtc) {
  const sys_time<milliseconds> t{milliseconds{1'764'100'000'123}};
  EXPECT_EQ(format_iso8601(t), "2025-11-25T19:46:40.123Z");
  EXPECT_EQ(format_iso8601(t + microseconds{999}), "2025-11-25T19:46:40.123Z");  // truncated
  EXPECT_EQ(format_iso8601(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(sys_days{2024y / February / 29} + hours{23} + minutes{59} + seconds{59}),
            "2024-02-29T23:59:59.000Z");
}

TEST(IsoTime, ParsesWithAndWithoutAFraction) {
  const sys_time<milliseconds> t{milliseconds{1'764'100'000'123}};
  EXPECT_EQ(parse_iso8601("2025-11-25T19:46:40.123Z"), t);
  EXPECT_EQ(parse_iso8601("2025-11-25T19:46:40Z"), t - milliseconds{123});
  EXPECT_EQ(system_clock::to_time_t(*parse_iso8601("2015-12-30T12:00:00.000Z")), 1451476800);
  // Any fraction of 1 to 9 digits: SDKs write seconds, milliseconds or nanoseconds.
  EXPECT_EQ(parse_iso8601("2025-11-25T19:46:40.1Z"), t - milliseconds{23});
  EXPECT_EQ(parse_iso8601("2025-11-25T19:46:40.123456789Z"), t + nanoseconds{456'789});
  EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
}

// Found by the post_form fuzzer: a POST policy expiring in 7907 overflowed the nanosecond clock.
TEST(IsoTime, SaturatesOutsideTheClocksRange) {
  EXPECT_EQ(parse_iso8601("7907-01-01T00:00:00Z"), system_clock::time_point::max());
  EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59.999999999Z"), system_clock::time_point::max());
  EXPECT_EQ(parse_iso8601("0000-01-01T00:00:00Z"), system_clock::time_point::min());
  EXPECT_EQ(parse_iso8601("1600-01-01T00:00:00.5Z"), system_clock::time_point::min());
  // The last whole seconds inside the range still parse exactly.
  EXPECT_EQ(parse_iso8601("2262-04-11T23:47:15Z"),
            sys_days{2262y / April / 11} + hours{23} + minutes{47} + seconds{15});
  EXPECT_EQ(parse_iso8601("1677-09-21T00:12:44Z"),
            sys_days{1677y / September / 21} + minutes{12} + seconds{44});
}

TEST(IsoTime, RejectsOtherForms) {
  for (const char* bad :
       {"", "2025-11-25", "2025-11-25T19:46:40", "2025-11-25T19:46:40+01:00",
        "2025-11-25 19:46:40Z", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z",
        "2025-11-25T24:00:00Z", "2025-11-25T19:60:00Z", "2025-11-25T19:46:60Z",
        "2025-11-25T19:46:40.Z", "2025-11-25T19:46:40.1234567890Z", "2025-11-25T19:46:40.123Zjunk",
        "2025-11-25T19:46:40.12xZ", "+025-11-25T19:46:40Z"}) {
    EXPECT_EQ(parse_iso8601(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace s3storm
