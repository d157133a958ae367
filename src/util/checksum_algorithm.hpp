#pragma once

#include <optional>
#include <string_view>

namespace s3storm {

// S3's additional checksums (x-amz-checksum-*). One enum for a scenario step's `checksum:`, the
// load engine that sends it and the target that checks it; s3/checksum.hpp computes them.
enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

// "crc32", "crc32c", "crc64nvme", "sha1", "sha256": the scenario's spelling and the suffix of the
// x-amz-checksum-* header.
constexpr std::string_view checksum_lowercase_name(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return "crc32";
    case ChecksumAlgorithm::kCrc32c:
      return "crc32c";
    case ChecksumAlgorithm::kCrc64Nvme:
      return "crc64nvme";
    case ChecksumAlgorithm::kSha1:
      return "sha1";
    case ChecksumAlgorithm::kSha256:
      return "sha256";
  }
  return "?";
}

inline constexpr ChecksumAlgorithm kChecksumAlgorithms[] = {
    ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
    ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256};

}  // namespace s3storm
