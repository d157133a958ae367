#include "target/checksums.hpp"

namespace s3storm::target {

std::optional<ObjectChecksum> composite_checksum(ChecksumAlgorithm algorithm,
                                                 const std::vector<std::string_view>& part_values) {
  Checksummer checksummer(algorithm);
  for (const auto value : part_values) {
    const auto raw = sigv4::base64_decode(value);
    if (!raw) return std::nullopt;
    checksummer.update(*raw);
  }
  return ObjectChecksum{algorithm, checksummer.finish() + '-' + std::to_string(part_values.size()),
                        true};
}

ObjectChecksum default_checksum(std::string_view body) {
  return ObjectChecksum{ChecksumAlgorithm::kCrc64Nvme,
                        checksum_base64(ChecksumAlgorithm::kCrc64Nvme, body), false};
}

}  // namespace s3storm::target
