#pragma once

// Single-writer words: one thread stores, others may load while it does. Relaxed atomic loads and
// stores compile to plain moves on x86-64 and AArch64 (no lock prefix, no fence), so the writer
// pays what it would for a plain variable, and a reader on another thread sees each word whole.
// The words stay plain std::uint64_t, so the structures holding them keep their value semantics
// (copy, compare, merge) once no writer runs.

#include <atomic>
#include <cstdint>

namespace s3storm::stats {

inline std::uint64_t load_relaxed(const std::uint64_t& word) noexcept {
  // atomic_ref<const T> is C++26; the load does not write.
  return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(word))
      .load(std::memory_order_relaxed);
}

inline void store_relaxed(std::uint64_t& word, std::uint64_t value) noexcept {
  std::atomic_ref<std::uint64_t>(word).store(value, std::memory_order_relaxed);
}

// Only for a word that has one writer: a load and a store, not an atomic read-modify-write.
inline void add_relaxed(std::uint64_t& word, std::uint64_t n) noexcept {
  store_relaxed(word, load_relaxed(word) + n);
}

}  // namespace s3storm::stats
