#include "util/crc.hpp"

#include <isa-l/crc.h>

namespace s3storm::crc {

namespace {

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

}  // namespace s3storm::crc
