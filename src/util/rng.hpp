#pragma once

// A small, fast, seedable generator we own (xoshiro256**), so keys and sizes are reproducible from
// the scenario's seed on every platform and standard library.

#include <cstdint>
#include <string_view>

namespace s3storm {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// A 64-bit hash of a text (FNV-1a, then one splitmix round: FNV's low bits are weak in its high
// digits). Keys' {hash:N} prefixes and the seeds of `content: random` bodies use it.
inline std::uint64_t text_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return splitmix64(h);
}

// __extension__ keeps -Wpedantic quiet about the 128-bit type GCC and Clang both provide.
__extension__ using Uint128 = unsigned __int128;

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    // splitmix64 spreads even small or similar seeds over the whole state, as xoshiro needs.
    for (auto& word : state_) word = splitmix64(seed);
  }

  // One independent stream per worker: workers never share a generator (no locks, no contention).
  static Rng for_worker(std::uint64_t seed, std::uint64_t worker) {
    std::uint64_t mixed = seed ^ (0xd1b54a32d192ed03ull * (worker + 1));
    return Rng(splitmix64(mixed));
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound) without modulo bias worth caring about (Lemire's multiply-shift).
  std::uint64_t below(std::uint64_t bound) {
    return static_cast<std::uint64_t>((static_cast<Uint128>(next()) * bound) >> 64);
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace s3storm
