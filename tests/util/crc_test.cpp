#include "util/crc.hpp"

#include <gtest/gtest.h>

#include <string>

namespace s3storm::crc {
namespace {

// The catalogue's check values: the CRC of the nine ASCII digits "123456789".
constexpr std::string_view kCheck = "123456789";

TEST(Crc, Crc32CheckValue) {
  EXPECT_EQ(crc32(kCheck), 0xcbf43926u);
}

TEST(Crc, Crc32cCheckValue) {
  EXPECT_EQ(crc32c(kCheck), 0xe3069283u);
}

TEST(Crc, Crc64NvmeCheckValue) {
  EXPECT_EQ(crc64nvme(kCheck), 0xae8b14860a799888ull);
}

TEST(Crc, EmptyInputIsZero) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc64nvme(""), 0u);
}

// A body checksummed piece by piece as it arrives equals the one-shot CRC, at every split
// (the slice-by-8 loop and its byte tail meet at every alignment).
TEST(Crc, PiecewiseEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 131 + 7));
  const auto whole32 = crc32(data);
  const auto whole32c = crc32c(data);
  const auto whole64 = crc64nvme(data);
  for (std::size_t split = 0; split <= data.size(); split += 37) {
    const std::string_view head(data.data(), split);
    const std::string_view tail(data.data() + split, data.size() - split);
    EXPECT_EQ(crc32(crc32(head), tail.data(), tail.size()), whole32) << split;
    EXPECT_EQ(crc32c(crc32c(head), tail.data(), tail.size()), whole32c) << split;
    EXPECT_EQ(crc64nvme(crc64nvme(head), tail.data(), tail.size()), whole64) << split;
  }
}

// AWS's trailer example: 66,560 bytes of 'a' carry x-amz-checksum-crc32c "sOO8/Q==".
TEST(Crc, Crc32cOfAwsChunkedExampleBody) {
  EXPECT_EQ(crc32c(std::string(66560, 'a')), 0xb0e3bcfdu);
}

}  // namespace
}  // namespace s3storm::crc
