#pragma once

// The bytes every request body is cut from: generated once per run, shared read-only by all
// workers, sliced from its start for each size. Memory stays at one buffer whatever the
// concurrency, and a body of a given size is always the same bytes, so its SHA-256 (for signed
// payloads) can be remembered per size instead of computed per request.

#include <cstdint>
#include <string_view>

#include "util/bulk_buffer.hpp"

namespace s3storm::s3 {

class Payload {
 public:
  // `size` bytes from a generator seeded with `seed` (reproducible content for read-back checks).
  Payload(std::uint64_t size, std::uint64_t seed);

  // The first `size` bytes; `size` must not exceed capacity().
  std::string_view slice(std::uint64_t size) const { return {bytes_.data(), size}; }
  std::uint64_t capacity() const { return size_; }

 private:
  BulkBuffer bytes_;
  std::uint64_t size_;
};

}  // namespace s3storm::s3
