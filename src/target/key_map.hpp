#pragma once

// A hash map from string keys to values, for a bucket's objects: hundreds of thousands of keys,
// most of them new, added at the full request rate. Entries sit in a deque and an open-addressing
// table of 8-byte slots finds them. Adding a new key touches one slot and the end of the deque;
// std::unordered_map walked a chain of nodes spread over the heap instead, and at
// half a million keys those cache misses were ~20% of the embedded target's CPU.
//
// Nothing grows in one go, because the insert that triggers it holds the whole target (the
// store's mutex) for as long as that takes:
// - the entries sit in a deque rather than a vector, so growing never moves them;
// - a full table is not rebuilt at once: a new table twice its size takes the new keys, and each
//   insert then moves a few dozen slots of the old one over, until it is empty. Lookups meanwhile
//   try both. Rebuilding at once held the insert that triggered it for 68-145 ms at two million
//   keys on a two-core VM; in steps, the longest insert there takes ~2.4 ms (`longest_insert` in
//   bench/target_bench).
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

#include "target/slot_array.hpp"

namespace s3storm::target {

template <typename Value>
class KeyMap {
 public:
  struct Entry {
    std::string key;
    Value value;
  };

  // `move_per_insert`: how many slots of an outgrown table each insert visits (moving or passing
  // over them). Tests make it small to keep the two tables side by side for long.
  explicit KeyMap(std::size_t move_per_insert = 32) : move_per_insert_(move_per_insert) {}

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // In no particular order.
  const std::deque<Entry>& entries() const { return entries_; }

  const Value* find(std::string_view key) const {
    const Found found = locate(key, hash_of(key));
    return found.table == nullptr ? nullptr : &entries_[index_in((*found.table)[found.at])].value;
  }
  Value* find(std::string_view key) { return const_cast<Value*>(std::as_const(*this).find(key)); }

  // Starts loading the key's home slot into the cache without waiting for it. In a table of
  // millions of slots that load is a miss to memory; issued early, it overlaps with other work.
  void prefetch(std::string_view key) const {
    const std::size_t hash = hash_of(key);
    if (!slots_.empty()) __builtin_prefetch(slots_.data() + (hash & mask_of(slots_)));
    if (!old_slots_.empty()) __builtin_prefetch(old_slots_.data() + (hash & mask_of(old_slots_)));
  }

  // Whether the key was new.
  bool insert_or_assign(std::string_view key, Value value) {
    const std::size_t hash = hash_of(key);
    if (const Found found = locate(key, hash); found.table != nullptr) {
      entries_[index_in((*found.table)[found.at])].value = std::move(value);
      return false;
    }
    if (entries_.size() >= kMaxEntries) throw std::length_error("KeyMap: too many keys");
    if (2 * (entries_.size() + 1) > slots_.size()) grow();  // load factor at most 1/2
    entries_.push_back(Entry{std::string(key), std::move(value)});
    slots_[free_slot_for(slots_, hash)] = slot_value(hash, entries_.size() - 1);
    if (next_page_ < slots_.size()) {
      fault_in_next_page();
    } else {
      move_old_slots(move_per_insert_);
    }
    return true;
  }

  // Whether the key was there. The last entry moves into the erased one's place.
  bool erase(std::string_view key) {
    const Found found = locate(key, hash_of(key));
    if (found.table == nullptr) return false;
    const std::size_t index = index_in((*found.table)[found.at]);
    if (found.table == &slots_) {
      vacate(slots_, found.at);
    } else {
      old_slots_[found.at] = kMoved;
    }
    const std::size_t last = entries_.size() - 1;
    if (index != last) {
      const std::size_t moved = hash_of(entries_[last].key);
      Found holder = slot_of_index(slots_, moved, last);
      if (holder.table == nullptr) holder = slot_of_index(old_slots_, moved, last);
      (*holder.table)[holder.at] = slot_value(moved, index);
      entries_[index] = std::move(entries_[last]);
    }
    entries_.pop_back();
    return true;
  }

 private:
  // A slot is 0 when empty; otherwise its low 32 bits are the entry's index + 1 and its high 32
  // bits the low half of the key's hash. A probe reads a key only when those bits match, and the
  // slot alone tells its home in a table of any size up to 2^32 slots, so growing and erasing
  // never touch the entries, which are spread over hundreds of megabytes.
  static constexpr std::size_t kMaxEntries = 0x7FFFFFFFu;  // keeps the table at 2^32 slots or less
  // In the old table only: a slot whose key moved to the new table or was erased. Its index part
  // names no entry; probes pass over it, so the old table's probe runs stay whole.
  static constexpr std::uint64_t kMoved = ~std::uint64_t{0};
  static constexpr std::size_t kSlotsPerHugePage = SlotArray::kHugePage / sizeof(std::uint64_t);

  struct Found {
    SlotArray* table = nullptr;  // null: absent
    std::size_t at = 0;
  };

  static std::size_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }
  static std::uint64_t tag_of(std::size_t hash) { return hash & 0xFFFFFFFFu; }
  static std::uint64_t slot_value(std::size_t hash, std::size_t index) {
    return tag_of(hash) << 32 | (static_cast<std::uint64_t>(index) + 1);
  }
  static std::size_t index_in(std::uint64_t slot) { return (slot & 0xFFFFFFFFu) - 1; }
  static std::size_t mask_of(const SlotArray& table) { return table.size() - 1; }
  static std::size_t home_of(const SlotArray& table, std::uint64_t slot) {
    return (slot >> 32) & mask_of(table);
  }

  // New keys go to slots_, so a key still in the old table is one that is not new: try the
  // current table first.
  Found locate(std::string_view key, std::size_t hash) const {
    if (const Found found = probe(slots_, key, hash); found.table != nullptr) return found;
    return probe(old_slots_, key, hash);
  }

  Found probe(const SlotArray& table, std::string_view key, std::size_t hash) const {
    if (table.empty()) return {};
    const std::size_t mask = mask_of(table);
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
      const std::uint64_t slot = table[at];
      if (slot == 0) return {};
      if (slot >> 32 == tag_of(hash) && slot != kMoved && entries_[index_in(slot)].key == key) {
        return {const_cast<SlotArray*>(&table), at};
      }
    }
  }

  static std::size_t free_slot_for(const SlotArray& table, std::size_t hash) {
    std::size_t at = hash & mask_of(table);
    while (table[at] != 0) at = (at + 1) & mask_of(table);
    return at;
  }

  Found slot_of_index(SlotArray& table, std::size_t hash, std::size_t index) const {
    if (table.empty()) return {};
    for (std::size_t at = hash & mask_of(table); table[at] != 0; at = (at + 1) & mask_of(table)) {
      if (index_in(table[at]) == index) return {&table, at};
    }
    return {};
  }

  // Empties a slot without leaving a tombstone: later slots of the same probe run move back, so
  // every key stays reachable from its home slot without a gap.
  static void vacate(SlotArray& table, std::size_t hole) {
    const std::size_t mask = mask_of(table);
    for (std::size_t at = (hole + 1) & mask; table[at] != 0; at = (at + 1) & mask) {
      const std::size_t home = home_of(table, table[at]);
      // The slot at `at` may fill the hole when its home is not cyclically in (hole, at].
      const bool reachable_without_hole =
          hole <= at ? (hole < home && home <= at) : (hole < home || home <= at);
      if (reachable_without_hole) continue;
      table[hole] = table[at];
      hole = at;
    }
    table[hole] = 0;
  }

  void grow() {
    move_old_slots(old_slots_.size());  // only when inserts outran the moving
    old_slots_ = std::move(slots_);
    slots_ = SlotArray(old_slots_.empty() ? 16 : 2 * old_slots_.size());
    next_old_ = 0;
    next_page_ = slots_.size() >= kSlotsPerHugePage ? 0 : slots_.size();
  }

  // A new table's first touch of each 2 MiB page is a fault that zero-fills it (several ms on a
  // VM whose host backs the page only then). Moving slots touches pages all over the table, so
  // the first inserts after a growth each fault in one page, in order, before any slot moves: the
  // faults are spread instead of stacked in one insert.
  void fault_in_next_page() {
    volatile std::uint64_t* slot = &slots_[next_page_];
    *slot = *slot;
    next_page_ += kSlotsPerHugePage;
  }

  // Visits up to `budget` slots of the old table, in order; a key found there moves to the new
  // table and leaves kMoved behind. The old table is freed once every slot has been visited.
  void move_old_slots(std::size_t budget) {
    if (old_slots_.empty()) return;
    for (; budget > 0 && next_old_ < old_slots_.size(); --budget, ++next_old_) {
      const std::uint64_t slot = old_slots_[next_old_];
      if (slot == 0 || slot == kMoved) continue;
      slots_[free_slot_for(slots_, slot >> 32)] = slot;
      old_slots_[next_old_] = kMoved;
    }
    if (next_old_ == old_slots_.size()) old_slots_ = SlotArray();
  }

  SlotArray slots_;            // a power of two in size; all new keys go here
  SlotArray old_slots_;        // the outgrown table while its slots move over; empty otherwise
  std::size_t next_old_ = 0;   // the old table's next slot to visit
  std::size_t next_page_ = 0;  // the first slot of the new table's next page to fault in
  std::size_t move_per_insert_;
  std::deque<Entry> entries_;
};

}  // namespace s3storm::target
