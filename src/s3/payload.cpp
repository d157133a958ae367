#include "s3/payload.hpp"

#include <cstring>

#include "util/rng.hpp"

namespace s3storm::s3 {

Payload::Payload(std::uint64_t size, std::uint64_t seed) : bytes_(size), size_(size) {
  Rng rng(seed);
  std::uint64_t offset = 0;
  for (; offset + 8 <= size; offset += 8) {
    const std::uint64_t word = rng.next();
    std::memcpy(bytes_.data() + offset, &word, 8);
  }
  if (offset < size) {
    const std::uint64_t word = rng.next();
    std::memcpy(bytes_.data() + offset, &word, size - offset);
  }
}

}  // namespace s3storm::s3
