#pragma once

#include <cstddef>
#include <cstdint>

// The sizing rules of the matcher's open-addressing tables (FingerprintSet, OrderHistory): they
// hold one dedup window, which at 40,000 events/s is millions of members, so their load factor is
// most of the matcher's memory. Any capacity, not only powers of two (a power of two wastes up to
// half the table); a member's first slot is its fingerprint's high bits scaled to the capacity
// (fingerprints are well mixed), and linear probing from there.
namespace s3storm::events::flat_table {

inline constexpr std::size_t kMinCapacity = 1024;

inline std::size_t home(std::uint64_t fingerprint, std::size_t capacity) {
  return static_cast<std::size_t>(((fingerprint >> 32) * static_cast<std::uint64_t>(capacity)) >>
                                  32);
}

inline std::size_t next(std::size_t index, std::size_t capacity) {
  return index + 1 == capacity ? 0 : index + 1;
}

// Past 80% full linear probing's misses get long: grow by half.
inline bool too_full(std::size_t members, std::size_t capacity) {
  return members * 5 > capacity * 4;
}

inline std::size_t grown(std::size_t capacity) {
  return capacity + capacity / 2;
}

// After an expiry, 60% full: a quarter window of new members (the expiry runs every quarter
// window) fits before the table must grow again.
inline std::size_t after_expiry(std::size_t members) {
  const std::size_t wanted = members * 5 / 3 + 1;
  return wanted < kMinCapacity ? kMinCapacity : wanted;
}

}  // namespace s3storm::events::flat_table
