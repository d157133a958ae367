// CRC-64/NVME (S3's CRC64NVME checksum): polynomial 0xad93d23594c93659, reflected, initial and
// final value all ones. ISA-L 2.30 (Debian 12) lacks this polynomial, so it is here, twice: a
// slice-by-8 table for any CPU, and carry-less multiply folding (PCLMULQDQ, the method of Intel's
// "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ") where the CPU has it, about
// ten times faster, which keeps verifying a 1 MiB upload's checksum cheap.

#include <array>
#include <cstring>

#include "util/crc.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace s3storm::crc {

namespace {

constexpr std::uint64_t kNvmePolynomial = 0xad93d23594c93659ULL;  // x^64 is implied
constexpr std::uint64_t kNvmeReflected = 0x9a6c9329ac4bc9b5ULL;   // its bit reversal

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

// The register (not inverted) after `size` more bytes.
std::uint64_t table_update(std::uint64_t state, const unsigned char* bytes, std::size_t size) {
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
  return state;
}

#if defined(__x86_64__)

// x^n mod P, in the polynomial's own (not reflected) bit order.
constexpr std::uint64_t x_power_mod(unsigned n) {
  std::uint64_t r = 1;
  for (unsigned i = 0; i < n; ++i) r = (r << 1) ^ ((r >> 63) ? kNvmePolynomial : 0);
  return r;
}

constexpr std::uint64_t reflect(std::uint64_t value) {
  std::uint64_t out = 0;
  for (int i = 0; i < 64; ++i) out |= ((value >> i) & 1) << (63 - i);
  return out;
}

// A 128-bit register holds 16 input bytes, the first eight in its low half: in reflected order
// its bit m stands for x^(127-m). Moving it D bits further along the message multiplies its low
// half by x^(D+64) and its high half by x^D (mod P). A carry-less product of two reflected
// 64-bit values lands one bit short of the reflected 128-bit position, so the constants are the
// powers one less: x^(D+63) and x^(D-1).
struct FoldConstants {
  std::uint64_t low;
  std::uint64_t high;
};
constexpr FoldConstants fold_by(unsigned bits) {
  return {reflect(x_power_mod(bits + 63)), reflect(x_power_mod(bits - 1))};
}
constexpr FoldConstants kFold128 = fold_by(128);
constexpr FoldConstants kFold512 = fold_by(512);
constexpr FoldConstants kFold2048 = fold_by(2048);

__attribute__((target("pclmul,sse2"))) inline __m128i fold(__m128i value, __m128i constants,
                                                           __m128i next) {
  const __m128i low = _mm_clmulepi64_si128(value, constants, 0x00);
  const __m128i high = _mm_clmulepi64_si128(value, constants, 0x11);
  return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse2"))) std::uint64_t folding_update(std::uint64_t state,
                                                                    const unsigned char* bytes,
                                                                    std::size_t size) {
  if (size < 64) return table_update(state, bytes, size);
  const auto load = [](const unsigned char* at) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  };
  const __m128i fold512 =
      _mm_set_epi64x(static_cast<long long>(kFold512.high), static_cast<long long>(kFold512.low));
  const __m128i fold128 =
      _mm_set_epi64x(static_cast<long long>(kFold128.high), static_cast<long long>(kFold128.low));
  // Four registers, 64 bytes a round; the CRC so far joins the first eight bytes.
  __m128i a0 = _mm_xor_si128(load(bytes), _mm_set_epi64x(0, static_cast<long long>(state)));
  __m128i a1 = load(bytes + 16);
  __m128i a2 = load(bytes + 32);
  __m128i a3 = load(bytes + 48);
  bytes += 64;
  size -= 64;
  for (; size >= 64; size -= 64, bytes += 64) {
    a0 = fold(a0, fold512, load(bytes));
    a1 = fold(a1, fold512, load(bytes + 16));
    a2 = fold(a2, fold512, load(bytes + 32));
    a3 = fold(a3, fold512, load(bytes + 48));
  }
  __m128i folded = fold(a0, fold128, a1);
  folded = fold(folded, fold128, a2);
  folded = fold(folded, fold128, a3);
  for (; size >= 16; size -= 16, bytes += 16) folded = fold(folded, fold128, load(bytes));
  // The last register's 16 bytes go through the table from a zero register: that reduces them
  // to the 64-bit CRC register, and the tail follows.
  alignas(16) unsigned char last[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(last), folded);
  return table_update(table_update(0, last, 16), bytes, size);
}

// The same folding, four 16-byte lanes per instruction (VPCLMULQDQ on 512-bit registers).
__attribute__((target("avx512f,vpclmulqdq"))) inline __m512i fold_wide(__m512i value,
                                                                       __m512i constants,
                                                                       __m512i next) {
  const __m512i low = _mm512_clmulepi64_epi128(value, constants, 0x00);
  const __m512i high = _mm512_clmulepi64_epi128(value, constants, 0x11);
  return _mm512_ternarylogic_epi64(low, high, next, 0x96);  // low ^ high ^ next
}

__attribute__((target("avx512f"))) inline __m512i wide_constants(FoldConstants fold) {
  const auto low = static_cast<long long>(fold.low);
  const auto high = static_cast<long long>(fold.high);
  return _mm512_set_epi64(high, low, high, low, high, low, high, low);
}

// Four 512-bit registers, 256 bytes a round, then folded down to one 128-bit register for the
// 16-byte loop and the table.
__attribute__((target("avx512f,vpclmulqdq,pclmul,sse2"))) std::uint64_t wide_folding_update(
    std::uint64_t state, const unsigned char* bytes, std::size_t size) {
  if (size < 256) return folding_update(state, bytes, size);
  const __m512i fold2048 = wide_constants(kFold2048);
  const __m512i fold512 = wide_constants(kFold512);
  __m512i a0 =
      _mm512_xor_si512(_mm512_loadu_si512(bytes),
                       _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, static_cast<long long>(state)));
  __m512i a1 = _mm512_loadu_si512(bytes + 64);
  __m512i a2 = _mm512_loadu_si512(bytes + 128);
  __m512i a3 = _mm512_loadu_si512(bytes + 192);
  bytes += 256;
  size -= 256;
  for (; size >= 256; size -= 256, bytes += 256) {
    a0 = fold_wide(a0, fold2048, _mm512_loadu_si512(bytes));
    a1 = fold_wide(a1, fold2048, _mm512_loadu_si512(bytes + 64));
    a2 = fold_wide(a2, fold2048, _mm512_loadu_si512(bytes + 128));
    a3 = fold_wide(a3, fold2048, _mm512_loadu_si512(bytes + 192));
  }
  __m512i folded = fold_wide(a0, fold512, a1);
  folded = fold_wide(folded, fold512, a2);
  folded = fold_wide(folded, fold512, a3);
  // Its four lanes are four consecutive 16-byte blocks.
  alignas(64) unsigned char lanes[64];
  _mm512_store_si512(lanes, folded);
  const __m128i fold128 =
      _mm_set_epi64x(static_cast<long long>(kFold128.high), static_cast<long long>(kFold128.low));
  const auto lane_at = [&lanes](int index) {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(lanes + 16 * index));
  };
  __m128i lane = fold(lane_at(0), fold128, lane_at(1));
  lane = fold(lane, fold128, lane_at(2));
  lane = fold(lane, fold128, lane_at(3));
  for (; size >= 16; size -= 16, bytes += 16) {
    lane = fold(lane, fold128, _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes)));
  }
  alignas(16) unsigned char last[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(last), lane);
  return table_update(table_update(0, last, 16), bytes, size);
}

bool cpu_has_wide_pclmul() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq");
}

bool cpu_has_pclmul() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
}

#endif

}  // namespace

namespace detail {

std::uint64_t crc64nvme_table(std::uint64_t crc, const void* data, std::size_t size) {
  return ~table_update(~crc, static_cast<const unsigned char*>(data), size);
}

bool crc64nvme_folding_available() {
#if defined(__x86_64__)
  static const bool available = cpu_has_pclmul();
  return available;
#else
  return false;
#endif
}

std::uint64_t crc64nvme_folding(std::uint64_t crc, const void* data, std::size_t size) {
#if defined(__x86_64__)
  static const bool wide = cpu_has_wide_pclmul();
  return wide ? ~wide_folding_update(~crc, static_cast<const unsigned char*>(data), size)
              : ~folding_update(~crc, static_cast<const unsigned char*>(data), size);
#else
  return crc64nvme_table(crc, data, size);
#endif
}

}  // namespace detail

std::uint64_t crc64nvme(std::uint64_t crc, const void* data, std::size_t size) {
  static const bool folding = detail::crc64nvme_folding_available();
  return folding ? detail::crc64nvme_folding(crc, data, size)
                 : detail::crc64nvme_table(crc, data, size);
}

}  // namespace s3storm::crc
