#pragma once

// S3's additional checksums: x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}, each the
// base64 of the big-endian CRC or of the digest. One implementation for the uploads the load
// engine sends (a header, or an aws-chunked trailer) and for the target that checks them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sigv4/crypto.hpp"
#include "util/checksum_algorithm.hpp"

namespace s3storm::s3 {

// "CRC32", "crc32c", ... as x-amz-sdk-checksum-algorithm and x-amz-checksum-algorithm spell them
// (any case); nullopt for any other name.
std::optional<ChecksumAlgorithm> checksum_algorithm_named(std::string_view name);
// The algorithm a header such as "x-amz-checksum-crc32" (any case) carries; nullopt for others,
// x-amz-checksum-mode and x-amz-checksum-algorithm included.
std::optional<ChecksumAlgorithm> checksum_algorithm_of_header(std::string_view header_name);
// "ChecksumCRC32", ... (the XML element of CompleteMultipartUpload's parts); nullopt otherwise.
std::optional<ChecksumAlgorithm> checksum_algorithm_of_element(std::string_view element);
std::string_view checksum_name(ChecksumAlgorithm algorithm);    // "CRC32"
std::string_view checksum_header(ChecksumAlgorithm algorithm);  // "x-amz-checksum-crc32"
// The element of a CompleteMultipartUpload <Part> that carries it: "ChecksumCRC32".
std::string_view checksum_element(ChecksumAlgorithm algorithm);

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
  std::optional<sigv4::Sha1> sha1_;
};

std::string checksum_base64(ChecksumAlgorithm algorithm, std::string_view data);

}  // namespace s3storm::s3
