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

#include "s3/checksum.hpp"

namespace s3storm::target {

// The algorithms, their names and the incremental checksummer are s3/checksum's (the load side
// computes the same values).
using s3::checksum_algorithm_named;
using s3::checksum_algorithm_of_element;
using s3::checksum_algorithm_of_header;
using s3::checksum_base64;
using s3::checksum_element;
using s3::checksum_header;
using s3::checksum_name;
using s3::Checksummer;

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

// S3's composite checksum of a multipart object: the checksum of the concatenated binary part
// checksums, then "-<part count>". Nullopt when a part value is not valid base64.
std::optional<ObjectChecksum> composite_checksum(ChecksumAlgorithm algorithm,
                                                 const std::vector<std::string_view>& part_values);

// What S3 has stored with every new object since 2025 when the upload named no checksum: the
// CRC64NVME of the whole body (FULL_OBJECT), returned like one the client sent.
ObjectChecksum default_checksum(std::string_view body);

}  // namespace s3storm::target
