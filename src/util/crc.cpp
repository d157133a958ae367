#include "util/crc.hpp"

#include <isa-l/crc.h>

#include <array>
#include <cstring>

namespace s3storm::crc {

namespace {

// CRC-64/NVME: polynomial 0xad93d23594c93659, reflected; this is its bit-reversed form.
constexpr std::uint64_t kNvmeReflected = 0x9a6c9329ac4bc9b5ULL;

// Slice-by-8: table[k][b] is the CRC of byte b followed by k zero bytes, so eight input bytes
// cost eight table loads instead of 64 shift steps.
using SliceTables = std::array<std::array<std::uint64_t, 256>, 8>;
constexpr SliceTables make_tables() {
  SliceTables tables{};
  for (std::uint64_t byte = 0; byte < 256; ++byte) {
    std::uint64_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kNvmeReflected : 0);
    tables[0][byte] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t byte = 0; byte < 256; ++byte) {
      const std::uint64_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xff];
    }
  }
  return tables;
}
constexpr SliceTables kTables = make_tables();

// ISA-L takes an int length for CRC32C; larger bodies go in pieces below it.
constexpr std::size_t kIsalPiece = std::size_t{1} << 30;

}  // namespace

std::uint32_t crc32(std::uint32_t crc, const void* data, std::size_t size) {
  // crc32_gzip_refl takes and returns the finished (inverted) CRC, as zlib's crc32 does.
  return crc32_gzip_refl(crc, static_cast<const unsigned char*>(data), size);
}

std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size) {
  // crc32_iscsi works on the register without the final inversion, so it is undone and redone.
  std::uint32_t state = ~crc;
  auto* bytes = static_cast<unsigned char*>(const_cast<void*>(data));  // ISA-L only reads it
  while (size > 0) {
    const std::size_t piece = size < kIsalPiece ? size : kIsalPiece;
    state = crc32_iscsi(bytes, static_cast<int>(piece), state);
    bytes += piece;
    size -= piece;
  }
  return ~state;
}

std::uint64_t crc64nvme(std::uint64_t crc, const void* data, std::size_t size) {
  auto* bytes = static_cast<const unsigned char*>(data);
  std::uint64_t state = ~crc;
  for (; size >= 8; size -= 8, bytes += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes, 8);  // little-endian, as the reflected CRC consumes bytes
    state ^= word;
    state = kTables[7][state & 0xff] ^ kTables[6][(state >> 8) & 0xff] ^
            kTables[5][(state >> 16) & 0xff] ^ kTables[4][(state >> 24) & 0xff] ^
            kTables[3][(state >> 32) & 0xff] ^ kTables[2][(state >> 40) & 0xff] ^
            kTables[1][(state >> 48) & 0xff] ^ kTables[0][state >> 56];
  }
  for (; size > 0; --size, ++bytes) state = (state >> 8) ^ kTables[0][(state ^ *bytes) & 0xff];
  return ~state;
}

}  // namespace s3storm::crc
