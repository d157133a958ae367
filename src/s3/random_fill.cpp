#include "s3/random_fill.hpp"

#include <bit>
#include <cstring>
#include <initializer_list>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace s3storm::s3 {

namespace {

constexpr std::uint64_t kMul1 = 0xbf58476d1ce4e5b9ull;
constexpr std::uint64_t kMul2 = 0x94d049bb133111ebull;

void store_le(char* out, std::uint64_t word) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &word, 8);
  } else {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(word >> (8 * i));
  }
}

void fill_scalar(std::uint64_t seed, std::uint64_t index, char* out, std::size_t words) {
  for (std::size_t i = 0; i < words; ++i, out += 8) {
    store_le(out, detail::random_word(seed, index + i));
  }
}

#if defined(__x86_64__)

// x86 is little-endian: a vector store of the 64-bit lanes writes each word as the stream wants.

// GCC 12's _mm512_srli_epi64 merges into an "undefined" vector that -Wmaybe-uninitialized
// flags; the zero-masked form with every lane selected is the same shift without it.
__attribute__((target("avx512f"))) inline __m512i shift_right_avx512(__m512i z, unsigned n) {
  return _mm512_maskz_srli_epi64(static_cast<__mmask8>(0xff), z, n);
}

__attribute__((target("avx512f,avx512dq"))) inline __m512i mix_avx512(__m512i z) {
  z = _mm512_xor_si512(z, shift_right_avx512(z, 30));
  z = _mm512_mullo_epi64(z, _mm512_set1_epi64(static_cast<long long>(kMul1)));
  z = _mm512_xor_si512(z, shift_right_avx512(z, 27));
  z = _mm512_mullo_epi64(z, _mm512_set1_epi64(static_cast<long long>(kMul2)));
  return _mm512_xor_si512(z, shift_right_avx512(z, 31));
}

__attribute__((target("avx512f,avx512dq"))) void fill_avx512(std::uint64_t seed,
                                                             std::uint64_t index, char* out,
                                                             std::size_t words) {
  // Lane j of `z` holds seed + (index + j + 1) * golden; each step advances every lane 8 words.
  alignas(64) long long first[8];
  for (int j = 0; j < 8; ++j) {
    first[j] = static_cast<long long>(seed + (index + static_cast<std::uint64_t>(j) + 1) *
                                                 detail::kRandomGolden);
  }
  __m512i z = _mm512_load_si512(first);
  const __m512i step8 = _mm512_set1_epi64(static_cast<long long>(8 * detail::kRandomGolden));
  std::size_t i = 0;
  // Two vectors per round: the multiplies of one overlap the other's.
  for (; i + 16 <= words; i += 16, out += 128) {
    const __m512i z1 = _mm512_add_epi64(z, step8);
    _mm512_storeu_si512(out, mix_avx512(z));
    _mm512_storeu_si512(out + 64, mix_avx512(z1));
    z = _mm512_add_epi64(z1, step8);
  }
  for (; i + 8 <= words; i += 8, out += 64) {
    _mm512_storeu_si512(out, mix_avx512(z));
    z = _mm512_add_epi64(z, step8);
  }
  fill_scalar(seed, index + i, out, words - i);
}

// AVX2 has no 64-bit multiply: lo*lo + ((hi*lo + lo*hi) << 32), the constant split beforehand.
__attribute__((target("avx2"))) inline __m256i mul64_avx2(__m256i a, __m256i lo, __m256i hi) {
  const __m256i low = _mm256_mul_epu32(a, lo);
  const __m256i cross =
      _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), lo), _mm256_mul_epu32(a, hi));
  return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

__attribute__((target("avx2"))) inline __m256i mix_avx2(__m256i z) {
  const __m256i lo1 = _mm256_set1_epi64x(static_cast<long long>(kMul1 & 0xffffffffull));
  const __m256i hi1 = _mm256_set1_epi64x(static_cast<long long>(kMul1 >> 32));
  const __m256i lo2 = _mm256_set1_epi64x(static_cast<long long>(kMul2 & 0xffffffffull));
  const __m256i hi2 = _mm256_set1_epi64x(static_cast<long long>(kMul2 >> 32));
  z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 30));
  z = mul64_avx2(z, lo1, hi1);
  z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 27));
  z = mul64_avx2(z, lo2, hi2);
  return _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
}

__attribute__((target("avx2"))) void fill_avx2(std::uint64_t seed, std::uint64_t index, char* out,
                                               std::size_t words) {
  alignas(32) long long first[4];
  for (int j = 0; j < 4; ++j) {
    first[j] = static_cast<long long>(seed + (index + static_cast<std::uint64_t>(j) + 1) *
                                                 detail::kRandomGolden);
  }
  __m256i z = _mm256_load_si256(reinterpret_cast<const __m256i*>(first));
  const __m256i step4 = _mm256_set1_epi64x(static_cast<long long>(4 * detail::kRandomGolden));
  std::size_t i = 0;
  for (; i + 8 <= words; i += 8, out += 64) {
    const __m256i z1 = _mm256_add_epi64(z, step4);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), mix_avx2(z));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 32), mix_avx2(z1));
    z = _mm256_add_epi64(z1, step4);
  }
  for (; i + 4 <= words; i += 4, out += 32) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), mix_avx2(z));
    z = _mm256_add_epi64(z, step4);
  }
  fill_scalar(seed, index + i, out, words - i);
}

#endif

}  // namespace

bool fill_path_supported(FillPath path) {
  switch (path) {
    case FillPath::kScalar:
      return true;
#if defined(__x86_64__)
    case FillPath::kAvx2:
      return __builtin_cpu_supports("avx2");
    case FillPath::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#else
    default:
      return false;
#endif
  }
  return false;
}

FillPath best_fill_path() {
  static const FillPath best = [] {
    for (const FillPath path : {FillPath::kAvx512, FillPath::kAvx2}) {
      if (fill_path_supported(path)) return path;
    }
    return FillPath::kScalar;
  }();
  return best;
}

void fill_random_words(FillPath path, std::uint64_t object_seed, std::uint64_t first_word,
                       char* out, std::size_t words) {
  switch (path) {
#if defined(__x86_64__)
    case FillPath::kAvx512:
      return fill_avx512(object_seed, first_word, out, words);
    case FillPath::kAvx2:
      return fill_avx2(object_seed, first_word, out, words);
#endif
    default:
      return fill_scalar(object_seed, first_word, out, words);
  }
}

}  // namespace s3storm::s3
