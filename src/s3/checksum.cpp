#include "s3/checksum.hpp"

#include <array>

#include "util/ascii.hpp"
#include "util/crc.hpp"

namespace s3storm::s3 {

namespace {

struct AlgorithmNames {
  ChecksumAlgorithm algorithm;
  std::string_view name;
  std::string_view header;
  std::string_view element;
};
constexpr std::array<AlgorithmNames, 5> kAlgorithms{{
    {ChecksumAlgorithm::kCrc32, "CRC32", "x-amz-checksum-crc32", "ChecksumCRC32"},
    {ChecksumAlgorithm::kCrc32c, "CRC32C", "x-amz-checksum-crc32c", "ChecksumCRC32C"},
    {ChecksumAlgorithm::kCrc64Nvme, "CRC64NVME", "x-amz-checksum-crc64nvme", "ChecksumCRC64NVME"},
    {ChecksumAlgorithm::kSha1, "SHA1", "x-amz-checksum-sha1", "ChecksumSHA1"},
    {ChecksumAlgorithm::kSha256, "SHA256", "x-amz-checksum-sha256", "ChecksumSHA256"},
}};

const AlgorithmNames& names_of(ChecksumAlgorithm algorithm) {
  return kAlgorithms[static_cast<std::size_t>(algorithm)];
}

template <std::size_t N>
std::string big_endian(std::uint64_t value) {
  std::string out(N, '\0');
  for (std::size_t i = 0; i < N; ++i) out[N - 1 - i] = static_cast<char>(value >> (8 * i) & 0xff);
  return out;
}

template <std::size_t N>
std::string_view bytes_of(const std::array<unsigned char, N>& digest) {
  return {reinterpret_cast<const char*>(digest.data()), N};
}

}  // namespace

std::optional<ChecksumAlgorithm> checksum_algorithm_named(std::string_view name) {
  for (const auto& entry : kAlgorithms) {
    if (ascii::iequals(name, entry.name)) return entry.algorithm;
  }
  return std::nullopt;
}

std::optional<ChecksumAlgorithm> checksum_algorithm_of_header(std::string_view header_name) {
  for (const auto& entry : kAlgorithms) {
    if (ascii::iequals(header_name, entry.header)) return entry.algorithm;
  }
  return std::nullopt;
}

std::optional<ChecksumAlgorithm> checksum_algorithm_of_element(std::string_view element) {
  for (const auto& entry : kAlgorithms) {
    if (element == entry.element) return entry.algorithm;
  }
  return std::nullopt;
}

std::string_view checksum_name(ChecksumAlgorithm algorithm) {
  return names_of(algorithm).name;
}

std::string_view checksum_header(ChecksumAlgorithm algorithm) {
  return names_of(algorithm).header;
}

std::string_view checksum_element(ChecksumAlgorithm algorithm) {
  return names_of(algorithm).element;
}

Checksummer::Checksummer(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  if (algorithm == ChecksumAlgorithm::kSha256) sha256_.emplace();
  if (algorithm == ChecksumAlgorithm::kSha1) sha1_.emplace();
}

void Checksummer::update(std::string_view data) {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      crc_ = crc::crc32(static_cast<std::uint32_t>(crc_), data.data(), data.size());
      return;
    case ChecksumAlgorithm::kCrc32c:
      crc_ = crc::crc32c(static_cast<std::uint32_t>(crc_), data.data(), data.size());
      return;
    case ChecksumAlgorithm::kCrc64Nvme:
      crc_ = crc::crc64nvme(crc_, data.data(), data.size());
      return;
    case ChecksumAlgorithm::kSha1:
      sha1_->update(data);
      return;
    case ChecksumAlgorithm::kSha256:
      sha256_->update(data);
      return;
  }
}

std::string Checksummer::finish() {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      return sigv4::base64_encode(big_endian<4>(crc_));
    case ChecksumAlgorithm::kCrc64Nvme:
      return sigv4::base64_encode(big_endian<8>(crc_));
    case ChecksumAlgorithm::kSha1:
      return sigv4::base64_encode(bytes_of(sha1_->finish()));
    case ChecksumAlgorithm::kSha256:
      return sigv4::base64_encode(bytes_of(sha256_->finish()));
  }
  return {};
}

std::string checksum_base64(ChecksumAlgorithm algorithm, std::string_view data) {
  Checksummer checksummer(algorithm);
  checksummer.update(data);
  return checksummer.finish();
}

}  // namespace s3storm::s3
