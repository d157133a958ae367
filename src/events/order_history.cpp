#include "events/order_history.hpp"

#include <algorithm>
#include <limits>

namespace s3storm::events {

OrderHistory::OrderHistory() : slots_(flat_table::kMinCapacity) {}

namespace {

using Millis = std::chrono::milliseconds;

Millis arrival_after_start(const OrderHistory::Entry& entry) {
  return std::chrono::ceil<Millis>(entry.arrival - entry.started);
}

}  // namespace

bool OrderHistory::fits(const Entry& entry) {
  const auto span = (entry.completed - entry.started).count();
  const auto arrival_ms = arrival_after_start(entry).count();
  return span >= 0 && span <= std::numeric_limits<std::uint32_t>::max() &&
         entry.arrival >= entry.started &&
         arrival_ms <= std::numeric_limits<std::uint16_t>::max() &&
         entry.sequencer.high <= std::numeric_limits<std::uint16_t>::max() &&
         entry.type_index <= std::numeric_limits<std::uint8_t>::max();
}

OrderHistory::Compact OrderHistory::compact(const Entry& entry) {
  Compact c;
  c.started = entry.started.time_since_epoch().count();
  c.span = static_cast<std::uint32_t>((entry.completed - entry.started).count());
  c.sequencer_high = static_cast<std::uint16_t>(entry.sequencer.high);
  c.sequencer_low = entry.sequencer.low;
  c.type_index = static_cast<std::uint8_t>(entry.type_index);
  c.flags = static_cast<std::uint8_t>(kPresent | (entry.out_of_order ? kOutOfOrder : 0));
  c.arrival_ms = static_cast<std::uint16_t>(arrival_after_start(entry).count());
  c.content = entry.content;
  return c;
}

OrderHistory::Entry OrderHistory::expand(const Compact& c) {
  // Packed members are copied out before use: a reference to one (duration's constructor takes
  // one) would be misaligned.
  const std::int64_t started = c.started;
  const std::uint32_t span = c.span;
  const std::uint64_t sequencer_low = c.sequencer_low;
  Entry e;
  e.started = TimePoint(TimePoint::duration(started));
  e.completed = e.started + TimePoint::duration(span);
  e.sequencer = {c.sequencer_high, sequencer_low};
  e.type_index = c.type_index;
  e.out_of_order = (c.flags & kOutOfOrder) != 0;
  e.arrival = e.started + Millis(c.arrival_ms);
  e.content = c.content;
  return e;
}

std::size_t OrderHistory::find(Fingerprint key) const {
  const std::size_t n = slots_.size();
  std::size_t i = flat_table::home(key, n);
  while (slots_[i].key != 0 && slots_[i].key != key) i = flat_table::next(i, n);
  return i;
}

void OrderHistory::load(Fingerprint key, std::vector<Entry>& out) const {
  out.clear();
  key = stored_form(key);
  const Slot& slot = slots_[find(key)];
  if (slot.key == key) {
    for (const Compact& c : slot.entries) {
      if (c.flags & kPresent) out.push_back(expand(c));
    }
    return;
  }
  if (spilled_.empty()) return;
  if (const auto it = spilled_.find(key); it != spilled_.end()) out = it->second;
}

void OrderHistory::store(Fingerprint key, const std::vector<Entry>& entries) {
  key = stored_form(key);
  const bool inline_form =
      entries.size() <= kInline && std::all_of(entries.begin(), entries.end(), &OrderHistory::fits);
  if (!spilled_.empty() && (entries.empty() || inline_form)) spilled_.erase(key);
  std::size_t i = find(key);
  if (entries.empty() || !inline_form) {
    if (slots_[i].key == key) erase_at(i);
    if (!entries.empty()) spilled_[key] = entries;
    return;
  }
  if (slots_[i].key != key) {
    if (flat_table::too_full(size_ + 1, slots_.size())) {
      rebuild(flat_table::grown(slots_.size()));
      i = find(key);
    }
    slots_[i].key = key;
    ++size_;
  }
  Slot& slot = slots_[i];
  for (std::size_t k = 0; k < kInline; ++k) {
    slot.entries[k] = k < entries.size() ? compact(entries[k]) : Compact{};
  }
}

void OrderHistory::erase_at(std::size_t index) {
  // Backward-shift deletion: later members of the probe run move up, so no tombstones are needed.
  const std::size_t n = slots_.size();
  slots_[index].key = 0;
  --size_;
  std::size_t hole = index;
  for (std::size_t j = flat_table::next(index, n); slots_[j].key != 0; j = flat_table::next(j, n)) {
    const std::size_t home = flat_table::home(slots_[j].key, n);
    // Move the member at j into the hole unless its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    slots_[j].key = 0;
    hole = j;
  }
}

void OrderHistory::expire(TimePoint before) {
  std::size_t kept = 0;
  for (Slot& slot : slots_) {
    if (slot.key == 0) continue;
    std::size_t n = 0;
    for (const Compact& c : slot.entries) {
      if ((c.flags & kPresent) && expand(c).completed >= before) slot.entries[n++] = c;
    }
    for (std::size_t k = n; k < kInline; ++k) slot.entries[k] = Compact{};
    if (n == 0) {
      slot.key = 0;
    } else {
      ++kept;
    }
  }
  std::vector<std::pair<Fingerprint, std::vector<Entry>>> back_inline;
  for (auto it = spilled_.begin(); it != spilled_.end();) {
    std::erase_if(it->second, [before](const Entry& e) { return e.completed < before; });
    const bool fits_inline =
        it->second.size() <= kInline && std::all_of(it->second.begin(), it->second.end(), &fits);
    if (fits_inline && !it->second.empty()) back_inline.emplace_back(it->first, it->second);
    if (fits_inline) {
      it = spilled_.erase(it);
    } else {
      ++it;
    }
  }
  rebuild(flat_table::after_expiry(kept + back_inline.size()));
  for (const auto& [key, entries] : back_inline) store(key, entries);
}

void OrderHistory::rebuild(std::size_t capacity) {
  std::vector<Slot> old(capacity);
  old.swap(slots_);
  size_ = 0;
  const std::size_t n = slots_.size();
  for (const Slot& slot : old) {
    if (slot.key == 0) continue;
    std::size_t i = flat_table::home(slot.key, n);
    while (slots_[i].key != 0) i = flat_table::next(i, n);
    slots_[i] = slot;
    ++size_;
  }
}

}  // namespace s3storm::events
