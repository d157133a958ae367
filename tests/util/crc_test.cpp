#include "util/crc.hpp"

#include <gtest/gtest.h>

#include <random>
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

// The carry-less-multiply CRC64/NVME (used when the CPU has PCLMULQDQ) against the table one, at
// random lengths (across the 16- and 64-byte block edges), start alignments and initial CRCs.
TEST(Crc, Crc64NvmeFoldingEqualsTable) {
  std::mt19937_64 random(13);
  std::string buffer(70000, '\0');
  for (auto& c : buffer) c = static_cast<char>(random());
  EXPECT_EQ(detail::crc64nvme_table(0, kCheck.data(), kCheck.size()), 0xae8b14860a799888ull);
  if (!detail::crc64nvme_folding_available()) GTEST_SKIP() << "no PCLMULQDQ on this CPU";
  EXPECT_EQ(detail::crc64nvme_folding(0, kCheck.data(), kCheck.size()), 0xae8b14860a799888ull);
  for (std::size_t size = 0; size <= 300; ++size) {
    for (std::size_t offset = 0; offset < 16; offset += 5) {
      const char* data = buffer.data() + offset;
      EXPECT_EQ(detail::crc64nvme_folding(0, data, size), detail::crc64nvme_table(0, data, size))
          << size << " at +" << offset;
    }
  }
  for (int round = 0; round < 300; ++round) {
    const std::size_t offset = random() % 64;
    const std::size_t size = random() % (buffer.size() - offset);
    const std::uint64_t initial = random();
    const char* data = buffer.data() + offset;
    ASSERT_EQ(detail::crc64nvme_folding(initial, data, size),
              detail::crc64nvme_table(initial, data, size))
        << size << " at +" << offset << " from " << initial;
  }
  // The public function picks one of them: the same value.
  EXPECT_EQ(crc64nvme(std::string_view(buffer)),
            detail::crc64nvme_table(0, buffer.data(), buffer.size()));
}

}  // namespace
}  // namespace s3storm::crc
