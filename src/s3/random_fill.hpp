#pragma once

// The word generator behind `content: random` (s3/content.hpp), in one scalar and two vector
// implementations that write the same bytes. A 64 MiB multipart upload of random content is
// bound by its SHA-256 (~0.6 ns a byte with SHA-NI); the scalar generator adds ~0.14 ns a byte,
// the AVX-512 one a fraction of that. The vector code is compiled for its instruction set alone
// (function target attributes) and chosen at run time, so one binary runs on any x86-64.

#include <cstddef>
#include <cstdint>

namespace s3storm::s3 {

enum class FillPath { kScalar, kAvx2, kAvx512 };

// Whether this CPU (and build) can run the path.
bool fill_path_supported(FillPath path);
// The fastest supported path, decided once.
FillPath best_fill_path();

// Writes `words` little-endian words of the object's stream, from word `first_word` on.
void fill_random_words(FillPath path, std::uint64_t object_seed, std::uint64_t first_word,
                       char* out, std::size_t words);

namespace detail {

inline constexpr std::uint64_t kRandomGolden = 0x9e3779b97f4a7c15ull;

// Word `index` of the stream: splitmix64's finalizer of seed + (index + 1) * golden.
inline std::uint64_t random_word(std::uint64_t object_seed, std::uint64_t index) {
  std::uint64_t z = object_seed + (index + 1) * kRandomGolden;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace detail

}  // namespace s3storm::s3
