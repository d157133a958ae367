// Values computed independently (Python's zlib and hashlib, and a bit-by-bit reflected CRC).

#include "target/checksums.hpp"

#include <gtest/gtest.h>

namespace s3storm::target {
namespace {

TEST(Checksums, EachAlgorithmOfHelloWorld) {
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::kCrc32, "hello world"), "DUoRhQ==");
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::kCrc32c, "hello world"), "yZRlqg==");
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::kCrc64Nvme, "hello world"), "jSnVw/bqjr4=");
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::kSha1, "hello world"),
            "Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::kSha256, "hello world"),
            "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
}

TEST(Checksums, IncrementalEqualsOneShot) {
  for (const auto algorithm :
       {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
        ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    Checksummer checksummer(algorithm);
    checksummer.update("hello");
    checksummer.update(" ");
    checksummer.update("world");
    EXPECT_EQ(checksummer.finish(), checksum_base64(algorithm, "hello world"))
        << checksum_name(algorithm);
  }
}

TEST(Checksums, NamesAndHeaders) {
  EXPECT_EQ(checksum_algorithm_named("crc64nvme"), ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_EQ(checksum_algorithm_named("SHA256"), ChecksumAlgorithm::kSha256);
  EXPECT_FALSE(checksum_algorithm_named("MD5"));
  EXPECT_EQ(checksum_algorithm_of_header("X-Amz-Checksum-CRC32C"), ChecksumAlgorithm::kCrc32c);
  EXPECT_FALSE(checksum_algorithm_of_header("x-amz-checksum-mode"));
  EXPECT_FALSE(checksum_algorithm_of_header("x-amz-checksum-algorithm"));
  EXPECT_EQ(checksum_header(ChecksumAlgorithm::kSha1), "x-amz-checksum-sha1");
}

// Parts "a"x10 and "b"x3: CRC32s TBHN8A== and QGXPDQ==, whose 8 bytes' CRC32 is 2CAkTA==.
TEST(Checksums, CompositeOfPartChecksums) {
  const auto composite = composite_checksum(ChecksumAlgorithm::kCrc32, {"TBHN8A==", "QGXPDQ=="});
  ASSERT_TRUE(composite);
  EXPECT_EQ(composite->value, "2CAkTA==-2");
  EXPECT_EQ(composite->type(), "COMPOSITE");
  EXPECT_FALSE(composite_checksum(ChecksumAlgorithm::kCrc32, {"not base64!"}));
}

}  // namespace
}  // namespace s3storm::target
