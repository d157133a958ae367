#include "events/fingerprint_set.hpp"

#include <limits>

#include "events/flat_table.hpp"

namespace s3storm::events {

FingerprintSet::FingerprintSet()
    : slots_(flat_table::kMinCapacity, 0), times_(flat_table::kMinCapacity, 0) {}

bool FingerprintSet::insert(Fingerprint value, TimePoint at) {
  value = stored_form(value);
  if (flat_table::too_full(size_ + 1, slots_.size())) {
    rebuild(flat_table::grown(slots_.size()), std::numeric_limits<TimePoint::rep>::min());
  }
  const auto when = at.time_since_epoch().count();
  const std::size_t n = slots_.size();
  for (std::size_t i = flat_table::home(value, n);; i = flat_table::next(i, n)) {
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
  const std::size_t n = slots_.size();
  for (std::size_t i = flat_table::home(value, n);; i = flat_table::next(i, n)) {
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
  // Shrink too, so a burst long past does not keep its table.
  rebuild(flat_table::after_expiry(kept), keep_since);
}

void FingerprintSet::rebuild(std::size_t capacity, TimePoint::rep keep_since) {
  std::vector<Fingerprint> old_slots(capacity, 0);
  std::vector<TimePoint::rep> old_times(capacity, 0);
  old_slots.swap(slots_);
  old_times.swap(times_);
  size_ = 0;
  const std::size_t n = slots_.size();
  for (std::size_t j = 0; j < old_slots.size(); ++j) {
    if (old_slots[j] == 0 || old_times[j] < keep_since) continue;
    std::size_t i = flat_table::home(old_slots[j], n);
    while (slots_[i] != 0) i = flat_table::next(i, n);
    slots_[i] = old_slots[j];
    times_[i] = old_times[j];
    ++size_;
  }
}

}  // namespace s3storm::events
