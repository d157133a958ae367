#include "events/fingerprint_set.hpp"

namespace s3storm::events {

FingerprintSet::FingerprintSet() : slots_(1024, 0) {}

bool FingerprintSet::insert(Fingerprint value) {
  value = stored_form(value);
  // Stay at most half full so probes stay short.
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = value & mask;; i = (i + 1) & mask) {
    if (slots_[i] == value) return false;
    if (slots_[i] == 0) {
      slots_[i] = value;
      ++size_;
      return true;
    }
  }
}

bool FingerprintSet::contains(Fingerprint value) const {
  value = stored_form(value);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = value & mask;; i = (i + 1) & mask) {
    if (slots_[i] == value) return true;
    if (slots_[i] == 0) return false;
  }
}

void FingerprintSet::grow() {
  std::vector<Fingerprint> old(slots_.size() * 2, 0);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Fingerprint value : old) {
    if (value == 0) continue;
    std::size_t i = value & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = value;
  }
}

}  // namespace s3storm::events
