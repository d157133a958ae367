#pragma once

// The CRCs S3 accepts as object checksums: CRC32 (gzip's), CRC32C (Castagnoli) and CRC64/NVME.
// Each takes the CRC of the bytes so far (0 for none) and returns the CRC with `data` appended,
// so a body can be checksummed piece by piece as it arrives.
// CRC32 and CRC32C come from Intel ISA-L (carry-less multiply, ~10x zlib's table CRC here: see
// README's dependency list); ISA-L 2.30, Debian 12's, has no CRC64 with the NVMe polynomial, so
// that one is our own (crc64nvme.cpp): carry-less multiply folding when the CPU has PCLMULQDQ
// (checked once at run time), else a table-driven slice-by-8.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace s3storm::crc {

std::uint32_t crc32(std::uint32_t crc, const void* data, std::size_t size);
std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size);
std::uint64_t crc64nvme(std::uint64_t crc, const void* data, std::size_t size);

namespace detail {
// The two CRC64/NVME implementations crc64nvme chooses between, for the tests and benchmarks.
std::uint64_t crc64nvme_table(std::uint64_t crc, const void* data, std::size_t size);
bool crc64nvme_folding_available();
// Only where crc64nvme_folding_available().
std::uint64_t crc64nvme_folding(std::uint64_t crc, const void* data, std::size_t size);
}  // namespace detail

inline std::uint32_t crc32(std::string_view data) {
  return crc32(0, data.data(), data.size());
}
inline std::uint32_t crc32c(std::string_view data) {
  return crc32c(0, data.data(), data.size());
}
inline std::uint64_t crc64nvme(std::string_view data) {
  return crc64nvme(0, data.data(), data.size());
}

}  // namespace s3storm::crc
