#include "events/fingerprint_set.hpp"

#include <limits>

namespace s3storm::events {

namespace {

constexpr std::size_t kMinCapacity = 1024;

}  // namespace

FingerprintSet::FingerprintSet() : slots_(kMinCapacity, 0), times_(kMinCapacity, 0) {}

bool FingerprintSet::insert(Fingerprint value, TimePoint at) {
  value = stored_form(value);
  // Stay at most half full so probes stay short.
  if ((size_ + 1) * 2 > slots_.size()) {
    rebuild(slots_.size() * 2, std::numeric_limits<TimePoint::rep>::min());
  }
  const auto when = at.time_since_epoch().count();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = value & mask;; i = (i + 1) & mask) {
    if (slots_[i] == value) {
      if (when > times_[i]) times_[i] = when;
      return false;
    }
    if (slots_[i] == 0) {
      slots_[i] = value;
      times_[i] = when;
      ++size_;
      return true;
    }
  }
}

bool FingerprintSet::contains(Fingerprint value, TimePoint since) const {
  value = stored_form(value);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = value & mask;; i = (i + 1) & mask) {
    if (slots_[i] == value) return times_[i] >= since.time_since_epoch().count();
    if (slots_[i] == 0) return false;
  }
}

void FingerprintSet::expire(TimePoint before) {
  const auto keep_since = before.time_since_epoch().count();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i] != 0 && times_[i] >= keep_since) ++kept;
  }
  // Shrink too, so a burst long past does not keep its table: at most a quarter full after.
  std::size_t capacity = kMinCapacity;
  while (capacity < kept * 4) capacity *= 2;
  rebuild(capacity, keep_since);
}

void FingerprintSet::rebuild(std::size_t capacity, TimePoint::rep keep_since) {
  std::vector<Fingerprint> old_slots(capacity, 0);
  std::vector<TimePoint::rep> old_times(capacity, 0);
  old_slots.swap(slots_);
  old_times.swap(times_);
  size_ = 0;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t j = 0; j < old_slots.size(); ++j) {
    if (old_slots[j] == 0 || old_times[j] < keep_since) continue;
    std::size_t i = old_slots[j] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = old_slots[j];
    times_[i] = old_times[j];
    ++size_;
  }
}

}  // namespace s3storm::events
