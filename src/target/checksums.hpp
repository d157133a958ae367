#pragma once

// S3's additional checksums: x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}, each the
// base64 of the big-endian CRC or of the digest. An upload's value is checked against its body
// and kept with the object; a multipart object's is the checksum of its parts' checksums,
// "<base64>-<parts>" (S3's COMPOSITE type).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/crypto.hpp"
#include "target/crypto.hpp"

namespace s3storm::target {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

// "CRC32", "crc32c", ... as x-amz-sdk-checksum-algorithm and x-amz-checksum-algorithm spell them
// (any case); nullopt for any other name.
std::optional<ChecksumAlgorithm> checksum_algorithm_named(std::string_view name);
// The algorithm a header such as "x-amz-checksum-crc32" (any case) carries; nullopt for others,
// x-amz-checksum-mode and x-amz-checksum-algorithm included.
std::optional<ChecksumAlgorithm> checksum_algorithm_of_header(std::string_view header_name);
std::string_view checksum_name(ChecksumAlgorithm algorithm);    // "CRC32"
std::string_view checksum_header(ChecksumAlgorithm algorithm);  // "x-amz-checksum-crc32"

struct ObjectChecksum {
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::kCrc32;
  std::string value;  // base64, with "-<parts>" after a composite
  bool composite = false;
  std::string_view type() const { return composite ? "COMPOSITE" : "FULL_OBJECT"; }
};

// A multipart upload's checksum, chosen when it is created (x-amz-checksum-algorithm and
// x-amz-checksum-type): the composite of the parts' checksums, or one over the whole object.
struct UploadChecksumPlan {
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::kCrc32;
  bool full_object = false;
};

// Incremental: the body goes through update() as it arrives.
class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm algorithm);
  Checksummer(const Checksummer&) = delete;
  Checksummer& operator=(const Checksummer&) = delete;

  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void update(std::string_view data);
  // The base64 value; call once.
  std::string finish();

 private:
  ChecksumAlgorithm algorithm_;
  std::uint64_t crc_ = 0;
  std::optional<sigv4::Sha256> sha256_;
  std::optional<Sha1> sha1_;
};

std::string checksum_base64(ChecksumAlgorithm algorithm, std::string_view data);

// S3's composite checksum of a multipart object: the checksum of the concatenated binary part
// checksums, then "-<part count>". Nullopt when a part value is not valid base64.
std::optional<ObjectChecksum> composite_checksum(ChecksumAlgorithm algorithm,
                                                 const std::vector<std::string_view>& part_values);

}  // namespace s3storm::target
