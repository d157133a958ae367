#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "events/fingerprint.hpp"

namespace s3storm::events {

// Fingerprints with the last time each was added: the identities delivered lately. One flat array
// of fingerprints (open addressing, linear probing, sized as flat_table.hpp says) and one of times
// beside it, 16 bytes a slot, 20 to 27 bytes per member; a node-based std::unordered_map would take
// ~56. `expire` rebuilds the table without the members older than a time, so it holds what a
// window needs, not a history.
// Not thread-safe; the matcher guards it.
class FingerprintSet {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  FingerprintSet();

  // Adds `value`, or moves its time to `at` when that is later. True if it was not there yet.
  bool insert(Fingerprint value, TimePoint at);
  // Whether `value` was added at `since` or later.
  bool contains(Fingerprint value, TimePoint since = TimePoint::min()) const;
  // Drops the members last added before `before`.
  void expire(TimePoint before);
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

 private:
  // Zero marks an empty slot, so the one fingerprint equal to zero is stored as this instead.
  static Fingerprint stored_form(Fingerprint value) { return value == 0 ? 1 : value; }
  void rebuild(std::size_t capacity, TimePoint::rep keep_since);

  std::vector<Fingerprint> slots_;
  std::vector<TimePoint::rep> times_;
  std::size_t size_ = 0;
};

}  // namespace s3storm::events
