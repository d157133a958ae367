#pragma once

// A hash map from string keys to values, for a bucket's objects: hundreds of thousands of keys,
// most of them new, added at the full request rate. Entries sit in a deque and an open-addressing
// table of 8-byte slots finds them. Adding a new key touches one slot and the end of the deque;
// std::unordered_map walked a chain of nodes spread over the heap instead, and at
// half a million keys those cache misses were ~20% of the embedded target's CPU.
//
// A deque rather than a vector: growing never moves the entries, so the millionth new key does not
// stall the request that adds it while a hundred megabytes are copied.
//
// Not thread-safe. Entry addresses stay valid until the entry is erased or replaced by the last
// one in an erasure.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "target/huge_page_allocator.hpp"

namespace s3storm::target {

template <typename Value>
class KeyMap {
 public:
  struct Entry {
    std::string key;
    Value value;
  };

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // In no particular order.
  const std::deque<Entry>& entries() const { return entries_; }

  const Value* find(std::string_view key) const {
    const std::size_t slot = find_slot(key, hash_of(key));
    return slot == kAbsent ? nullptr : &entries_[index_in(slots_[slot])].value;
  }
  Value* find(std::string_view key) { return const_cast<Value*>(std::as_const(*this).find(key)); }

  // Starts loading the key's home slot into the cache without waiting for it. In a table of
  // millions of slots that load is a miss to memory; issued early, it overlaps with other work.
  void prefetch(std::string_view key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash_of(key) & mask()]);
  }

  // Whether the key was new.
  bool insert_or_assign(std::string_view key, Value value) {
    const std::size_t hash = hash_of(key);
    if (const std::size_t slot = find_slot(key, hash); slot != kAbsent) {
      entries_[index_in(slots_[slot])].value = std::move(value);
      return false;
    }
    if (entries_.size() >= kMaxEntries) throw std::length_error("KeyMap: too many keys");
    if (2 * (entries_.size() + 1) > slots_.size()) grow();  // load factor at most 1/2
    entries_.push_back(Entry{std::string(key), std::move(value)});
    slots_[free_slot_for(hash)] = slot_value(hash, entries_.size() - 1);
    return true;
  }

  // Whether the key was there. The last entry moves into the erased one's place.
  bool erase(std::string_view key) {
    const std::size_t slot = find_slot(key, hash_of(key));
    if (slot == kAbsent) return false;
    const std::size_t index = index_in(slots_[slot]);
    vacate(slot);
    const std::size_t last = entries_.size() - 1;
    if (index != last) {
      const std::size_t moved = hash_of(entries_[last].key);
      slots_[slot_of_index(moved, last)] = slot_value(moved, index);
      entries_[index] = std::move(entries_[last]);
    }
    entries_.pop_back();
    return true;
  }

 private:
  // A slot is 0 when empty; otherwise its low 32 bits are the entry's index + 1 and its high 32
  // bits the low half of the key's hash. A probe reads a key only when those bits match, and the
  // slot alone tells its home (the table has at most 2^32 slots), so growing and erasing never
  // touch the entries, which are spread over hundreds of megabytes.
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
  static constexpr std::size_t kMaxEntries = 0x7FFFFFFFu;  // keeps the table at 2^32 slots or less

  static std::size_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }
  static std::uint64_t tag_of(std::size_t hash) { return hash & 0xFFFFFFFFu; }
  static std::uint64_t slot_value(std::size_t hash, std::size_t index) {
    return tag_of(hash) << 32 | (static_cast<std::uint64_t>(index) + 1);
  }
  static std::size_t index_in(std::uint64_t slot) { return (slot & 0xFFFFFFFFu) - 1; }
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home_of(std::uint64_t slot) const { return (slot >> 32) & mask(); }

  std::size_t find_slot(std::string_view key, std::size_t hash) const {
    if (slots_.empty()) return kAbsent;
    for (std::size_t at = hash & mask();; at = (at + 1) & mask()) {
      const std::uint64_t slot = slots_[at];
      if (slot == 0) return kAbsent;
      if (slot >> 32 == tag_of(hash) && entries_[index_in(slot)].key == key) return at;
    }
  }

  std::size_t free_slot_for(std::size_t hash) const {
    std::size_t at = hash & mask();
    while (slots_[at] != 0) at = (at + 1) & mask();
    return at;
  }

  std::size_t slot_of_index(std::size_t hash, std::size_t index) const {
    std::size_t at = hash & mask();
    while (index_in(slots_[at]) != index) at = (at + 1) & mask();
    return at;
  }

  // Empties a slot without leaving a tombstone: later slots of the same probe run move back, so
  // every key stays reachable from its home slot without a gap.
  void vacate(std::size_t hole) {
    for (std::size_t at = (hole + 1) & mask(); slots_[at] != 0; at = (at + 1) & mask()) {
      const std::size_t home = home_of(slots_[at]);
      // The slot at `at` may fill the hole when its home is not cyclically in (hole, at].
      const bool reachable_without_hole =
          hole <= at ? (hole < home && home <= at) : (hole < home || home <= at);
      if (reachable_without_hole) continue;
      slots_[hole] = slots_[at];
      hole = at;
    }
    slots_[hole] = 0;
  }

  void grow() {
    const auto old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : 2 * old.size(), 0);
    for (const std::uint64_t slot : old) {
      if (slot == 0) continue;
      std::size_t at = home_of(slot);
      while (slots_[at] != 0) at = (at + 1) & mask();
      slots_[at] = slot;
    }
  }

  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> slots_;  // a power of two in size
  std::deque<Entry> entries_;
};

}  // namespace s3storm::target
