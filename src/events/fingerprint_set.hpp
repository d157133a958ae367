#pragma once

#include <cstddef>
#include <vector>

#include "events/fingerprint.hpp"

namespace s3storm::events {

// The set of fingerprints already matched: 8 bytes a slot in one flat array (open addressing,
// linear probing), about 16 bytes per member, against ~40 for a node-based std::unordered_set.
// Not thread-safe; the matcher guards it.
class FingerprintSet {
 public:
  FingerprintSet();

  // Returns true if `value` was not in the set yet.
  bool insert(Fingerprint value);
  bool contains(Fingerprint value) const;
  std::size_t size() const { return size_; }

 private:
  // Zero marks an empty slot, so the one fingerprint equal to zero is stored as this instead.
  static Fingerprint stored_form(Fingerprint value) { return value == 0 ? 1 : value; }
  void grow();

  std::vector<Fingerprint> slots_;
  std::size_t size_ = 0;
};

}  // namespace s3storm::events
