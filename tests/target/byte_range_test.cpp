#include "target/byte_range.hpp"

#include <gtest/gtest.h>

#include "target/s3_error.hpp"

namespace s3storm::target {
namespace {

void expect_range(std::string_view header, std::uint64_t size, std::uint64_t first,
                  std::uint64_t last) {
  const auto range = parse_range(header, size);
  ASSERT_TRUE(range) << header;
  EXPECT_EQ(range->first, first) << header;
  EXPECT_EQ(range->last, last) << header;
}

TEST(ByteRange, FormsS3Honours) {
  expect_range("bytes=0-9", 100, 0, 9);
  expect_range("bytes=10-", 100, 10, 99);
  expect_range("bytes=-10", 100, 90, 99);
  expect_range("bytes=-500", 100, 0, 99);     // longer suffix than the object: all of it
  expect_range("bytes=90-500", 100, 90, 99);  // end past the object is clamped
}

TEST(ByteRange, IgnoredFormsServeTheWholeObject) {
  EXPECT_FALSE(parse_range("bytes=0-1,5-6", 100));
  EXPECT_FALSE(parse_range("items=0-1", 100));
  EXPECT_FALSE(parse_range("bytes=5-2", 100));
  EXPECT_FALSE(parse_range("bytes=x-2", 100));
}

TEST(ByteRange, UnsatisfiableIsInvalidRange) {
  for (const auto& [header, size] : std::vector<std::pair<std::string, std::uint64_t>>{
           {"bytes=100-", 100}, {"bytes=200-300", 100}, {"bytes=-0", 100}, {"bytes=0-", 0}}) {
    try {
      parse_range(header, size);
      ADD_FAILURE() << header;
    } catch (const S3Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInvalidRange);
      EXPECT_EQ(error_status(error.code()), 416u);
    }
  }
}

}  // namespace
}  // namespace s3storm::target
