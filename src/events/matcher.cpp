#include "events/matcher.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>

#include "events/key_encoding.hpp"
#include "util/ascii.hpp"
#include "util/iso_time.hpp"

namespace s3storm::events {

namespace {

// A server inventing event names per object must not grow our tables without end.
constexpr std::size_t kMaxOtherTypes = 64;
constexpr std::string_view kOverflowTypeName = "Other (further names)";

std::uint64_t micros_between(TimePoint from, TimePoint to) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(to - from).count());
}

// Version ids are case-sensitive opaque text; 0 stands for none.
std::uint64_t text_fingerprint(std::string_view text) {
  if (text.empty()) return 0;
  std::uint64_t hash = 1469598103934665603ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash == 0 ? 1 : hash;
}

constexpr std::uint32_t bit(ContentField field) {
  return 1u << static_cast<unsigned>(field);
}

// The checks that tell one operation's event from another's on the same identity (a missing field
// is the notifier's fault whichever operation it was).
constexpr std::uint32_t kNamesItsOperation = bit(ContentField::kSize) | bit(ContentField::kEtag) |
                                             bit(ContentField::kVersionId) |
                                             bit(ContentField::kEventTime);

}  // namespace

std::uint64_t etag_fingerprint(std::string_view etag) {
  etag = unquoted_etag(etag);
  if (etag.empty()) return 0;
  // FNV-1a over the lower-cased text: ETags are hex digits, sometimes "-N".
  std::uint64_t hash = 1469598103934665603ull;
  for (const char c : etag) {
    hash ^= static_cast<unsigned char>(ascii::lower(c));
    hash *= 1099511628211ull;
  }
  return hash == 0 ? 1 : hash;
}

Matcher::Matcher(KeyForm key_form, std::chrono::milliseconds clock_skew,
                 std::chrono::milliseconds dedup_window)
    : key_form_(key_form),
      clock_skew_(clock_skew),
      dedup_window_(std::max(dedup_window, std::chrono::milliseconds(1))),
      wall_minus_steady_(std::chrono::system_clock::now().time_since_epoch() -
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(
                             Clock::now().time_since_epoch())) {
  types_.resize(kKnownEventKinds);
  for (std::size_t i = 0; i < kKnownEventKinds; ++i) {
    types_[i].name = std::string(event_kind_name(static_cast<EventKind>(i)));
  }
}

std::uint32_t Matcher::type_index_locked(EventKind kind, std::string_view name) {
  if (kind != EventKind::kOther) return static_cast<std::uint32_t>(kind);
  const std::string_view wanted =
      types_.size() < kKnownEventKinds + kMaxOtherTypes ? name : kOverflowTypeName;
  for (std::size_t i = kKnownEventKinds; i < types_.size(); ++i) {
    if (types_[i].name == wanted) return static_cast<std::uint32_t>(i);
  }
  types_.emplace_back().name = std::string(wanted);
  return static_cast<std::uint32_t>(types_.size() - 1);
}

std::int64_t Matcher::epoch_second_of(TimePoint t) const {
  const auto wall = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(t.time_since_epoch()) +
      wall_minus_steady_);
  return std::chrono::floor<std::chrono::seconds>(wall).time_since_epoch().count();
}

Matcher::Observed Matcher::observed_of(const EventRecord& record) const {
  Observed observed;
  observed.size = record.size;
  observed.etag = etag_fingerprint(record.etag);
  observed.version = text_fingerprint(record.version_id);
  if (const auto wall = parse_iso8601(record.event_time)) {
    observed.event_time = TimePoint(
        std::chrono::duration_cast<Clock::duration>(wall->time_since_epoch() - wall_minus_steady_));
  }
  // A reader that does not say which fields it saw (fields == 0) is not held to them.
  if (record.fields != 0) {
    observed.missing_fields = required_fields(record.name, record.event_version) & ~record.fields;
  }
  if (const auto sequencer = sequencer_value(record.sequencer)) {
    observed.has_sequencer = true;
    observed.sequencer = *sequencer;
  } else if (!record.sequencer.empty()) {
    observed.missing_fields |= kFieldSequencer;  // there, but not a hexadecimal value
  }
  return observed;
}

std::uint32_t Matcher::content_differences(const Expectation& expectation,
                                           const Observed& observed) const {
  std::uint32_t differs = 0;
  if (expectation.check_size && observed.size != expectation.size) {
    differs |= bit(ContentField::kSize);
  }
  if (expectation.etag != 0 && observed.etag != expectation.etag) {
    differs |= bit(ContentField::kEtag);
  }
  if (expectation.version != 0 && observed.version != expectation.version) {
    differs |= bit(ContentField::kVersionId);
  }
  // The server stamps the event while it works on the request: between our send and its answer,
  // give or take the two clocks' skew.
  if (expectation.started != TimePoint::min() && observed.event_time != TimePoint::min() &&
      (observed.event_time < expectation.started - clock_skew_ ||
       observed.event_time > expectation.completed + clock_skew_)) {
    differs |= bit(ContentField::kEventTime);
  }
  if (observed.missing_fields != 0) differs |= bit(ContentField::kFields);
  return differs;
}

void Matcher::deliver_locked(std::uint32_t type_index, const Expectation& expectation,
                             TimePoint arrival, const Observed& observed, const ObservedText& text,
                             std::string_view bucket, std::string_view key) {
  auto& type = types_[type_index];
  ++type.delivered;
  std::uint64_t delivery_us = 0;
  if (arrival < expectation.completed) {
    ++type.early;
  } else {
    delivery_us = micros_between(expectation.completed, arrival);
  }
  type.delivery_us.record(delivery_us);
  delivered_per_second_.record(epoch_second_of(arrival), true, 0, delivery_us);
  if (expectation.started != TimePoint::min() && arrival >= expectation.started) {
    type.delivery_from_send_us.record(micros_between(expectation.started, arrival));
  }
  if (observed.has_sequencer && expectation.started != TimePoint::min()) {
    check_order_locked(type_index, expectation, arrival, observed, bucket, key);
  }
  const std::uint32_t differs = content_differences(expectation, observed);
  if (auto* tally = tally_of_locked(expectation.completed)) {
    ++tally->delivered;
    if (arrival < expectation.completed) ++tally->early;
    tally->delivery.record(delivery_us);
    if (expectation.started != TimePoint::min() && arrival >= expectation.started) {
      tally->delivery_from_send.record(micros_between(expectation.started, arrival));
    }
    if (differs != 0) ++tally->mismatched;
  }
  if (!outages_.empty()) {
    if (const int k = outage_of_locked(expectation.completed); k >= 0) {
      auto& outage = outages_[static_cast<std::size_t>(k)];
      if (arrival > outage.end) {
        ++outage.late;
        outage.last_late = std::max(outage.last_late, arrival);
      }
    }
  }

  if (differs == 0) return;
  ++type.mismatched;
  for (std::size_t field = 0; field < kContentFields; ++field) {
    if (differs & (1u << field)) ++type.mismatched_by_field[field];
  }
  if (mismatched_keys_.size() >= MatchSummary::kListedKeys) return;
  std::string detail;
  const auto add = [&detail](const std::string& part) {
    if (!detail.empty()) detail += "; ";
    detail += part;
  };
  if (differs & bit(ContentField::kSize)) {
    add(fmt::format("size {}, expected {}", observed.size, expectation.size));
  }
  if (differs & bit(ContentField::kEtag)) {
    add(observed.etag == 0 ? std::string("no eTag")
                           : fmt::format("eTag {}", text.etag.empty() ? "(other)" : text.etag));
  }
  if (differs & bit(ContentField::kVersionId)) {
    add(observed.version == 0
            ? std::string("no versionId")
            : fmt::format("versionId {}", text.version_id.empty() ? "(other)" : text.version_id));
  }
  if (differs & bit(ContentField::kEventTime)) {
    add(fmt::format("eventTime {} outside the operation's span",
                    text.event_time.empty() ? "(other)" : text.event_time));
  }
  if (differs & bit(ContentField::kFields)) {
    add("no " + field_names(observed.missing_fields));
  }
  mismatched_keys_.push_back({type.name, std::string(bucket), std::string(key), std::move(detail)});
}

stats::EventTypeStats* Matcher::tally_of_locked(TimePoint completed) {
  // Newest first: the operations of the probe running now are the most frequent askers.
  for (auto it = tallies_.rbegin(); it != tallies_.rend(); ++it) {
    if (completed >= it->from && completed < it->to) return &it->counts;
    if (completed >= it->to) return nullptr;  // after this one, before the next opened
  }
  return nullptr;
}

std::size_t Matcher::open_tally(TimePoint from) {
  std::lock_guard lock(mutex_);
  if (!tallies_.empty() && tallies_.back().to == TimePoint::max()) tallies_.back().to = from;
  TallyWindow window;
  window.from = from;
  tallies_.push_back(std::move(window));
  return tallies_.size() - 1;
}

void Matcher::close_tally(TimePoint to) {
  std::lock_guard lock(mutex_);
  if (!tallies_.empty() && tallies_.back().to == TimePoint::max()) tallies_.back().to = to;
}

stats::EventTypeStats Matcher::tally(std::size_t window) const {
  std::lock_guard lock(mutex_);
  stats::EventTypeStats out = tallies_.at(window).counts;
  out.missing = out.expected - out.delivered;
  return out;
}

int Matcher::outage_of_locked(TimePoint completed) const {
  for (std::size_t i = 0; i < outages_.size(); ++i) {
    if (completed <= outages_[i].end) return static_cast<int>(i);
  }
  return -1;
}

void Matcher::outage_began(TimePoint at) {
  std::lock_guard lock(mutex_);
  outages_.push_back({at});
}

void Matcher::outage_ended(TimePoint at) {
  std::lock_guard lock(mutex_);
  if (!outages_.empty() && outages_.back().end == TimePoint::max()) outages_.back().end = at;
}

void Matcher::check_order_locked(std::uint32_t type_index, const Expectation& expectation,
                                 TimePoint arrival, const Observed& observed,
                                 std::string_view bucket, std::string_view key) {
  const Fingerprint key_fp = key_fingerprint(bucket, key);
  auto& entries = order_scratch_;
  order_.load(key_fp, entries);
  if (entries.size() >= kOrderHistory) entries.erase(entries.begin());  // the earliest started
  const OrderEntry added{expectation.started,
                         expectation.completed,
                         observed.sequencer,
                         type_index,
                         false,
                         std::max(arrival, expectation.started),
                         content_signature(expectation)};
  const auto at = std::upper_bound(
      entries.begin(), entries.end(), added,
      [](const OrderEntry& a, const OrderEntry& b) { return a.started < b.started; });
  const auto inserted = entries.insert(at, added);  // may reallocate: take begin() after it
  const auto index = static_cast<std::size_t>(inserted - entries.begin());
  const auto list = [&](const OrderEntry& flagged) {
    if (out_of_order_keys_.size() >= MatchSummary::kListedKeys) return;
    out_of_order_keys_.push_back(
        {types_[flagged.type_index].name, std::string(bucket), std::string(key), {}});
  };
  if (reassign_interchangeable(entries, index)) {
    for (auto& entry : entries) {
      if (judge_order_locked(entries, entry)) list(entry);
    }
  } else {
    if (judge_order_locked(entries, entries[index])) list(entries[index]);
    // Events may arrive in any order: the new one may now be the predecessor of later operations'.
    for (auto& later : entries) {
      if (later.started >= added.completed && judge_order_locked(entries, later)) list(later);
    }
  }
  order_.store(key_fp, entries);
}

std::uint16_t Matcher::content_signature(const Expectation& expectation) {
  if (expectation.etag == 0 && expectation.version == 0 && !expectation.check_size) return 0;
  // 16 bits: two different writes of one key and type that collide (1 in 65,536) only lose the
  // order check's verdict on those two, and only where their arrivals allow a swap.
  std::uint64_t mixed =
      expectation.etag ^ (expectation.version * 0x9E3779B97F4A7C15ull) ^
      ((expectation.check_size ? expectation.size + 1 : 0) * 0xC2B2AE3D27D4EB4Full);
  mixed ^= mixed >> 32;
  mixed ^= mixed >> 16;
  return static_cast<std::uint16_t>(mixed | 1u);  // never 0: that is "nothing known"
}

bool Matcher::reassign_interchangeable(std::vector<OrderEntry>& entries, std::size_t added) {
  // The entries whose events could be one another's: same type, same content as the added one.
  auto& group = order_group_scratch_;
  group.clear();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].type_index == entries[added].type_index &&
        entries[i].content == entries[added].content) {
      group.push_back(i);
    }
  }
  if (group.size() < 2) return false;
  // Already rising (the usual case: events in order): each operation keeps its own event, since
  // the latest one's is the greatest and it came after that operation was sent, and so on down.
  const auto rising = [&] {
    for (std::size_t g = 1; g < group.size(); ++g) {
      if (!(entries[group[g]].sequencer > entries[group[g - 1]].sequencer)) return false;
    }
    return true;
  };
  if (rising()) return false;
  // The latest operation first takes the greatest sequencer among the events that came after it
  // was sent; each earlier one then has a wider choice (every event a later operation could have
  // had, it could have had too), so every operation gets one, and sequencers rise wherever they
  // can.
  using Event = InterchangeableEvent;
  auto& events = order_event_scratch_;
  events.clear();
  for (const std::size_t i : group) events.push_back({entries[i].sequencer, entries[i].arrival});
  auto& chosen = order_choice_scratch_;
  chosen.assign(group.size(), 0);
  for (std::size_t g = group.size(); g-- > 0;) {
    const TimePoint started = entries[group[g]].started;
    std::size_t best = events.size();
    for (std::size_t e = 0; e < events.size(); ++e) {
      if (events[e].taken || events[e].arrival < started) continue;
      if (best == events.size() || events[e].sequencer > events[best].sequencer) best = e;
    }
    if (best == events.size()) return false;  // history cut short: keep the matcher's choice
    events[best].taken = true;
    chosen[g] = best;
  }
  bool changed = false;
  for (std::size_t g = 0; g < group.size(); ++g) {
    OrderEntry& entry = entries[group[g]];
    const Event& event = events[chosen[g]];
    if (entry.sequencer == event.sequencer && entry.arrival == event.arrival) continue;
    entry.sequencer = event.sequencer;
    entry.arrival = event.arrival;
    changed = true;
  }
  return changed;
}

bool Matcher::judge_order_locked(std::vector<OrderEntry>& entries, OrderEntry& entry) {
  // Its predecessor: of the operations that completed before it started, the last to complete.
  const OrderEntry* previous = nullptr;
  for (const auto& other : entries) {
    if (&other == &entry || other.completed > entry.started) continue;
    if (previous == nullptr || other.completed > previous->completed) previous = &other;
  }
  const bool out_of_order = previous != nullptr && !(entry.sequencer > previous->sequencer);
  if (out_of_order == entry.out_of_order) return false;
  entry.out_of_order = out_of_order;
  auto& count = types_[entry.type_index].out_of_order;
  count = out_of_order ? count + 1 : count - 1;
  return out_of_order;
}

bool Matcher::take_surplus_locked(Slot& slot, Fingerprint wanted_alternative,
                                  const Expectation& expectation, Arrival& taken,
                                  bool stamped_since_start) {
  // An arrival from before the operation even started belongs to an older operation.
  const auto could_be_its = [&](const Arrival& a) {
    const TimePoint stamped = a.observed.event_time;
    return a.at >= expectation.started &&
           (wanted_alternative == 0 || a.alternative == wanted_alternative) &&
           (!stamped_since_start || stamped == TimePoint::min() ||
            stamped >= expectation.started - clock_skew_);
  };
  auto usable = slot.surplus.end();
  for (auto it = slot.surplus.begin(); it != slot.surplus.end(); ++it) {
    if (!could_be_its(*it)) continue;
    if (stamped_since_start || !names_another_write(expectation, it->observed)) {
      usable = it;
      break;
    }
    if (usable == slot.surplus.end() && !it->held) usable = it;
  }
  if (usable == slot.surplus.end()) return false;
  taken = *usable;
  const Fingerprint alternative = usable->alternative;
  slot.surplus.erase(usable);
  if (alternative != 0) {
    const bool still_used =
        std::any_of(slot.surplus.begin(), slot.surplus.end(),
                    [&](const Arrival& a) { return a.alternative == alternative; });
    if (!still_used) alias_.erase(alternative);
  }
  return true;
}

void Matcher::erase_if_done_locked(Fingerprint fp) {
  const auto it = slots_.find(fp);
  if (it != slots_.end() && it->second.expected.empty() && it->second.surplus.empty()) {
    slots_.erase(it);
  }
}

bool Matcher::names_another_write(const Expectation& expectation, const Observed& observed) {
  return (expectation.etag != 0 && observed.etag != 0 && observed.etag != expectation.etag) ||
         (expectation.version != 0 && observed.version != 0 &&
          observed.version != expectation.version);
}

void Matcher::hold_locked(Fingerprint fp, Slot& slot, TimePoint arrival, const Observed& observed,
                          const ObservedText& text) {
  slot.surplus.push_back({arrival, 0, observed, false, true});
  held_.push_back({arrival, fp, std::string(text.etag), std::string(text.version_id),
                   std::string(text.event_time)});
}

void Matcher::settle(TimePoint now) {
  std::lock_guard lock(mutex_);
  settle_held_locked(now);
}

void Matcher::settle_held_locked(TimePoint until, bool all) {
  if (held_.empty()) return;
  std::size_t released = 0;
  for (; released < held_.size(); ++released) {
    if (!all && held_[released].at + kHeldArrivalWait > until) break;
    release_held_locked(held_[released]);
  }
  held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(released));
}

void Matcher::release_held_locked(const HeldArrival& held) {
  const auto found = slots_.find(held.fp);
  if (found == slots_.end()) return;
  Slot& slot = found->second;
  const auto arrival = std::find_if(slot.surplus.begin(), slot.surplus.end(),
                                    [&](const Arrival& a) { return a.held && a.at == held.at; });
  if (arrival == slot.surplus.end()) return;  // an operation took it meanwhile
  if (slot.expected.empty() || slot.expected.front().started > arrival->at) {
    // Nothing waits that it could be: an ordinary surplus arrival from now on.
    arrival->held = false;
    arrival->after_delivery = delivered_near_locked(held.fp, 0, arrival->at);
    return;
  }
  const Arrival taken = *arrival;
  slot.surplus.erase(arrival);
  const auto picked =
      slot.expected.begin() + operation_named_locked(slot, taken.at, taken.observed);
  deliver_waiting_locked(held.fp, slot, picked, taken.at, taken.observed,
                         {held.etag, held.version_id, held.event_time});
}

void Matcher::deliver_waiting_locked(Fingerprint fp, Slot& slot,
                                     std::vector<Expectation>::iterator picked, TimePoint arrival,
                                     const Observed& observed, const ObservedText& text) {
  const Expectation expectation = *picked;
  slot.expected.erase(picked);
  unmatched_.fetch_sub(1, std::memory_order_relaxed);
  deliver_locked(slot.type_index, expectation, arrival, observed, text, slot.bucket, slot.key);
  delivered_.insert(fp, arrival);
  erase_if_done_locked(fp);  // may erase the slot: the last use of it
}

void Matcher::advance_locked(TimePoint now) {
  if (now > latest_) latest_ = now;
  if (latest_ < next_forget_) return;
  if (next_forget_ != TimePoint::min()) forget_before_locked(latest_ - dedup_window_);
  next_forget_ =
      latest_ + std::max<Clock::duration>(dedup_window_ / 4, std::chrono::milliseconds(1));
}

bool Matcher::delivered_near_locked(Fingerprint fp, Fingerprint alternative, TimePoint at) const {
  const TimePoint since = at - dedup_window_;
  return delivered_.contains(fp, since) ||
         (alternative != 0 && delivered_.contains(alternative, since));
}

void Matcher::forget_before_locked(TimePoint cutoff) {
  // Arrivals nothing claimed within a window will not be claimed: an operation that could own
  // one started before it came. Count them now, as summarize would, and let them go.
  for (auto it = slots_.begin(); it != slots_.end();) {
    Slot& slot = it->second;
    auto& type = types_[slot.type_index];
    std::erase_if(slot.surplus, [&](const Arrival& arrival) {
      if (arrival.at >= cutoff) return false;
      if (arrival.after_delivery ||
          delivered_near_locked(it->first, arrival.alternative, arrival.at)) {
        ++type.retired_duplicate;
      } else {
        ++type.retired_unexpected;
        if (retired_unexpected_keys_.size() < MatchSummary::kListedKeys) {
          retired_unexpected_keys_.push_back({type.name, slot.bucket, slot.key, {}});
        }
      }
      if (arrival.alternative != 0) alias_.erase(arrival.alternative);
      return true;
    });
    if (slot.expected.empty() && slot.surplus.empty()) {
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }
  // Two arrivals may share an alias: put back the ones an arrival still kept uses.
  for (const auto& [fp, slot] : slots_) {
    for (const Arrival& arrival : slot.surplus) {
      if (arrival.alternative != 0) alias_.emplace(arrival.alternative, fp);
    }
  }
  delivered_.expire(cutoff);
  // A failed operation has no end to time it by: its start is what it is forgotten by.
  for (auto it = failed_.begin(); it != failed_.end();) {
    std::erase_if(it->second, [cutoff](TimePoint started) { return started < cutoff; });
    if (it->second.empty()) {
      it = failed_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = failed_claims_.begin(); it != failed_claims_.end();) {
    std::erase_if(it->second, [cutoff](const FailedClaim& c) { return c.arrival < cutoff; });
    if (it->second.empty()) {
      it = failed_claims_.erase(it);
    } else {
      ++it;
    }
  }
  order_.expire(cutoff);
}

bool Matcher::prefer_decoded_locked() const {
  switch (key_form_) {
    case KeyForm::kUrlEncoded:
      return true;
    case KeyForm::kRaw:
      return false;
    case KeyForm::kAuto:
      break;
  }
  // Without evidence either way, AWS's documented behaviour (encoded) wins.
  return encoded_evidence_ >= raw_evidence_;
}

void Matcher::expect(std::string_view bucket, std::string_view key, EventKind kind,
                     TimePoint completed, TimePoint started, const ExpectedContent& content) {
  const Fingerprint fp = fingerprint(bucket, key, kind);
  Expectation expectation{started, completed};
  if (content.size) {
    expectation.check_size = true;
    expectation.size = *content.size;
  }
  expectation.etag = etag_fingerprint(content.etag);
  expectation.version = text_fingerprint(content.version_id);
  std::lock_guard lock(mutex_);
  advance_locked(completed);
  // What arrived a wait before this operation started cannot be its event: let it go first.
  if (started != TimePoint::min()) settle_held_locked(started);
  const std::uint32_t type_index = type_index_locked(kind, event_kind_name(kind));
  ++types_[type_index].expected;
  if (auto* tally = tally_of_locked(completed)) ++tally->expected;
  expected_per_second_.add_counts(epoch_second_of(completed), 1, 0);

  // An arrival that came first: it waited as a surplus arrival.
  Arrival taken;
  const auto deliver_taken = [&] {
    deliver_locked(type_index, expectation, taken.at, taken.observed, {}, bucket, key);
  };
  if (const auto it = slots_.find(fp);
      it != slots_.end() && take_surplus_locked(it->second, 0, expectation, taken)) {
    deliver_taken();
    delivered_.insert(fp, taken.at);
    erase_if_done_locked(fp);
    return;
  }
  if (const auto alias = alias_.find(fp); alias != alias_.end()) {
    const Fingerprint primary = alias->second;
    const auto it = slots_.find(primary);
    if (it != slots_.end() && take_surplus_locked(it->second, fp, expectation, taken)) {
      deliver_taken();
      delivered_.insert(fp, taken.at);
      erase_if_done_locked(primary);
      return;
    }
  }
  if (!failed_claims_.empty() &&
      reclaim_from_failed_locked(fp, type_index, expectation, bucket, key)) {
    return;
  }

  Slot& slot = slots_[fp];
  slot.type_index = type_index;
  if (slot.key.empty()) {
    slot.bucket = std::string(bucket);
    slot.key = std::string(key);
  }
  slot.expected.push_back(expectation);
  unmatched_.fetch_add(1, std::memory_order_relaxed);
}

// Several operations on one key may wait for their events of one type (two overwrites), and a
// server with several connections may deliver the second's event first. The event names its
// operation by eTag (and version id): matching it to the oldest instead would charge both with a
// wrong size and eTag, and the order check with a sequencer that went backwards. Without a match
// (no eTag in the event, or a content that differs) the oldest waiting operation takes it.
std::size_t Matcher::operation_named_locked(const Slot& slot, TimePoint arrival,
                                            const Observed& observed) const {
  if (slot.expected.size() < 2 || observed.etag == 0) return 0;
  for (std::size_t i = 0; i < slot.expected.size() && slot.expected[i].started <= arrival; ++i) {
    const Expectation& candidate = slot.expected[i];
    if (candidate.etag != observed.etag) continue;
    if (candidate.version != 0 && candidate.version != observed.version) continue;
    if (candidate.check_size && candidate.size != observed.size) continue;
    return i;
  }
  return 0;
}

std::optional<std::size_t> Matcher::failed_owner_locked(Fingerprint fp, TimePoint arrival,
                                                        const Observed& observed) const {
  const auto it = failed_.find(fp);
  if (it == failed_.end()) return std::nullopt;
  // The oldest failed operation that had started by the time the event came and by the time the
  // server stamped it (a failed operation has no end: a timed-out one may be applied much later).
  const auto& starts = it->second;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    if (starts[i] > arrival) continue;
    if (observed.event_time != TimePoint::min() && observed.event_time < starts[i] - clock_skew_) {
      continue;
    }
    return i;
  }
  return std::nullopt;
}

bool Matcher::take_failed_locked(Fingerprint fp, std::uint32_t type_index, TimePoint arrival,
                                 const Observed& observed, std::string_view bucket,
                                 std::string_view key) {
  const auto owner = failed_owner_locked(fp, arrival, observed);
  if (!owner) return false;
  const auto it = failed_.find(fp);
  auto& starts = it->second;
  const TimePoint started = starts[*owner];
  starts.erase(starts.begin() + static_cast<std::ptrdiff_t>(*owner));
  if (starts.empty()) failed_.erase(it);
  ++types_[type_index].delivered_for_failed;
  delivered_.insert(fp, arrival);  // a further copy is a duplicate
  const bool listed = delivered_for_failed_keys_.size() < MatchSummary::kListedKeys;
  if (listed) {
    delivered_for_failed_keys_.push_back(
        {types_[type_index].name, std::string(bucket), std::string(key), {}});
  }
  failed_claims_[fp].push_back({started, arrival, observed, listed});
  return true;
}

// The event came while only the failed operation waited on its identity, and the next operation's
// answer came after it (its event beat the answer: a synchronous notifier, a held answer). If the
// event says what the next operation wrote and was stamped and delivered within its span, it is
// the next operation's: when both fit equally (the same content, eventTime within both spans) the
// operation that succeeded wins, since its event is certain and the failed one's only possible.
bool Matcher::reclaim_from_failed_locked(Fingerprint fp, std::uint32_t type_index,
                                         const Expectation& expectation, std::string_view bucket,
                                         std::string_view key) {
  const auto it = failed_claims_.find(fp);
  if (it == failed_claims_.end()) return false;
  auto& claims = it->second;
  const auto claim = std::find_if(claims.begin(), claims.end(), [&](const FailedClaim& c) {
    return c.arrival >= expectation.started &&
           (content_differences(expectation, c.observed) & kNamesItsOperation) == 0;
  });
  if (claim == claims.end()) return false;
  const FailedClaim taken = *claim;
  claims.erase(claim);
  if (claims.empty()) failed_claims_.erase(it);

  auto& type = types_[type_index];
  --type.delivered_for_failed;
  if (taken.listed) {
    const auto listed =
        std::find_if(delivered_for_failed_keys_.rbegin(), delivered_for_failed_keys_.rend(),
                     [&](const EventKeyListing& k) {
                       return k.type == type.name && k.bucket == bucket && k.key == key;
                     });
    if (listed != delivered_for_failed_keys_.rend()) {
      delivered_for_failed_keys_.erase(std::next(listed).base());
    }
  }
  auto& starts = failed_[fp];
  starts.insert(std::upper_bound(starts.begin(), starts.end(), taken.failed_started),
                taken.failed_started);
  deliver_locked(type_index, expectation, taken.arrival, taken.observed, {}, bucket, key);
  return true;
}

void Matcher::expect_failed(std::string_view bucket, std::string_view key, EventKind kind,
                            TimePoint started) {
  const Fingerprint fp = fingerprint(bucket, key, kind);
  std::lock_guard lock(mutex_);
  advance_locked(started);
  settle_held_locked(started);
  const std::uint32_t type_index = type_index_locked(kind, event_kind_name(kind));
  // Its event may have come already (a synchronous notifier sends it before answering), waiting
  // as a surplus arrival.
  const auto take_early = [&](Fingerprint slot_fp, Fingerprint wanted_alternative) {
    const auto it = slots_.find(slot_fp);
    if (it == slots_.end()) return false;
    Arrival taken;
    if (!take_surplus_locked(it->second, wanted_alternative, {started, started}, taken, true)) {
      return false;
    }
    failed_[fp].push_back(started);
    take_failed_locked(fp, type_index, taken.at, taken.observed, bucket, key);
    erase_if_done_locked(slot_fp);
    return true;
  };
  if (take_early(fp, 0)) return;
  if (const auto alias = alias_.find(fp); alias != alias_.end() && take_early(alias->second, fp)) {
    return;
  }
  failed_[fp].push_back(started);
}

void Matcher::observe(const EventRecord& record, TimePoint arrival) {
  const std::string_view other_name =
      record.kind == EventKind::kOther ? std::string_view(record.name) : std::string_view();
  const Fingerprint raw_fp = fingerprint(record.bucket, record.key, record.kind, other_name);

  // Hash both readings of the key before taking the lock.
  bool proven_raw = has_raw_only_bytes(record.key);
  std::optional<std::string> decoded;
  if (key_form_ != KeyForm::kRaw && !proven_raw && may_be_encoded(record.key)) {
    decoded = decode_event_key(record.key);
    if (!decoded) proven_raw = true;
  }
  const Fingerprint decoded_fp =
      decoded ? fingerprint(record.bucket, *decoded, record.kind, other_name) : 0;
  const Observed observed = observed_of(record);
  const ObservedText text{record.etag, record.version_id, record.event_time};

  std::lock_guard lock(mutex_);
  advance_locked(arrival);
  settle_held_locked(arrival);
  ++observed_;
  for (auto& outage : outages_) {
    if (outage.end < arrival && outage.first_after == TimePoint::max())
      outage.first_after = arrival;
  }
  if (proven_raw) ++raw_evidence_;

  // An event that arrived before an operation started cannot be that operation's.
  const auto waiting = [this, arrival](Fingerprint fp) -> Slot* {
    const auto it = slots_.find(fp);
    const bool waits = it != slots_.end() && !it->second.expected.empty() &&
                       it->second.expected.front().started <= arrival;
    return waits ? &it->second : nullptr;
  };
  Slot* raw_slot = key_form_ == KeyForm::kUrlEncoded && decoded ? nullptr : waiting(raw_fp);
  Slot* decoded_slot = decoded ? waiting(decoded_fp) : nullptr;
  if (raw_slot != nullptr && decoded_slot != nullptr) {
    // Both readings name a key we wrote (say "a b" and "a+b"): the server's habit decides.
    (prefer_decoded_locked() ? raw_slot : decoded_slot) = nullptr;
  } else if (decoded_slot != nullptr) {
    ++encoded_evidence_;
  } else if (raw_slot != nullptr && decoded) {
    ++raw_evidence_;
  }

  if (raw_slot != nullptr || decoded_slot != nullptr) {
    Slot& slot = raw_slot != nullptr ? *raw_slot : *decoded_slot;
    const Fingerprint fp = raw_slot != nullptr ? raw_fp : decoded_fp;
    const auto picked = slot.expected.begin() + operation_named_locked(slot, arrival, observed);
    // A failed operation on the key before the one waiting: an event that does not say what the
    // waiting one wrote is the failed one's (applied after all), whose event nothing waits for.
    if (!failed_.empty() && (content_differences(*picked, observed) & kNamesItsOperation) != 0) {
      const auto failed = failed_.find(fp);
      const auto owner = failed_owner_locked(fp, arrival, observed);
      if (owner && failed->second[*owner] < picked->started &&
          take_failed_locked(fp, slot.type_index, arrival, observed, slot.bucket, slot.key)) {
        return;
      }
    }
    // It says another write than any waiting here: likely one whose answer is still on its way.
    if (names_another_write(*picked, observed)) {
      hold_locked(fp, slot, arrival, observed, text);
      return;
    }
    deliver_waiting_locked(fp, slot, picked, arrival, observed, text);
    return;
  }

  // Nothing waits for it: perhaps the event of an operation that failed on our side.
  if (!failed_.empty()) {
    const std::uint32_t type_index = type_index_locked(record.kind, record.name);
    if (take_failed_locked(raw_fp, type_index, arrival, observed, record.bucket, record.key)) {
      return;
    }
    if (decoded &&
        take_failed_locked(decoded_fp, type_index, arrival, observed, record.bucket, *decoded)) {
      return;
    }
  }

  // Nothing waits for it (yet): an early arrival, a duplicate or an unexpected event. Keep it
  // under the reading most likely to be claimed, and find it by the other one through alias_.
  Fingerprint primary = raw_fp;
  Fingerprint alternative = 0;
  std::string_view shown_key = record.key;
  if (decoded) {
    const bool raw_delivered = delivered_near_locked(raw_fp, 0, arrival);
    const bool decoded_delivered = delivered_near_locked(decoded_fp, 0, arrival);
    const bool use_decoded =
        raw_delivered != decoded_delivered ? decoded_delivered : prefer_decoded_locked();
    primary = use_decoded ? decoded_fp : raw_fp;
    alternative = use_decoded ? raw_fp : decoded_fp;
    if (use_decoded) shown_key = *decoded;
    alias_.emplace(alternative, primary);
  }
  Slot& slot = slots_[primary];
  if (slot.expected.empty() && slot.surplus.empty()) {
    slot.type_index = type_index_locked(record.kind, record.name);
  }
  const bool after_delivery = delivered_near_locked(primary, alternative, arrival);
  // A duplicate of something delivered is never listed, so it keeps no strings.
  if (slot.key.empty() && !after_delivery) {
    slot.bucket = record.bucket;
    slot.key = std::string(shown_key);
  }
  slot.surplus.push_back({arrival, alternative, observed, after_delivery});
  if (after_delivery && !outages_.empty()) duplicate_arrivals_.push_back(arrival);
}

void Matcher::count_test_events(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  test_events_ += n;
}

std::uint64_t Matcher::observed_count() const {
  std::lock_guard lock(mutex_);
  return observed_;
}

std::size_t Matcher::outstanding_identities() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

std::size_t Matcher::remembered_identities() const {
  std::lock_guard lock(mutex_);
  return delivered_.size();
}

std::size_t Matcher::waiting_failed() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [fp, starts] : failed_) n += starts.size();
  return n;
}

std::size_t Matcher::ordered_keys() const {
  std::lock_guard lock(mutex_);
  return order_.keys();
}

MatchSummary Matcher::summarize(Moment moment) {
  std::lock_guard lock(mutex_);
  if (moment == Moment::kFinal) settle_held_locked(TimePoint::max(), true);
  std::vector<EventTypeSummary> types(types_.size());
  for (std::size_t i = 0; i < types_.size(); ++i) {
    types[i].name = types_[i].name;
    types[i].expected = types_[i].expected;
    types[i].delivered = types_[i].delivered;
    types[i].early = types_[i].early;
    types[i].mismatched = types_[i].mismatched;
    types[i].mismatched_by_field = types_[i].mismatched_by_field;
    types[i].out_of_order = types_[i].out_of_order;
    types[i].delivered_for_failed = types_[i].delivered_for_failed;
    types[i].duplicate = types_[i].retired_duplicate;
    types[i].unexpected = types_[i].retired_unexpected;
    types[i].delivery_us = types_[i].delivery_us;
    types[i].delivery_from_send_us = types_[i].delivery_from_send_us;
  }

  struct Listed {
    TimePoint at;
    const Slot* slot;
  };
  MatchSummary summary;
  summary.expected_per_second = expected_per_second_;
  summary.delivered_per_second = delivered_per_second_;
  std::vector<Listed> missing;
  std::vector<Listed> unexpected;
  for (const auto& [fp, slot] : slots_) {
    auto& type = types[slot.type_index];
    if (!slot.expected.empty()) {
      type.missing += slot.expected.size();
      for (const Expectation& e : slot.expected) {
        summary.expected_per_second.add_counts(epoch_second_of(e.completed), 0, 1);
      }
      missing.push_back({slot.expected.front().completed, &slot});
    }
    if (moment == Moment::kMidRun) {
      type.unmatched += slot.surplus.size();
      continue;
    }
    bool listed = false;
    for (const Arrival& arrival : slot.surplus) {
      const bool seen_before =
          arrival.after_delivery || delivered_near_locked(fp, arrival.alternative, arrival.at);
      if (seen_before) {
        ++type.duplicate;
      } else {
        ++type.unexpected;
        if (!listed) unexpected.push_back({arrival.at, &slot});
        listed = true;
      }
    }
  }

  const auto list = [&](std::vector<Listed>& found, std::vector<EventKeyListing>& out) {
    const std::size_t n = std::min(found.size(), MatchSummary::kListedKeys);
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(n), found.end(),
                      [](const Listed& a, const Listed& b) { return a.at < b.at; });
    for (std::size_t i = 0; i < n; ++i) {
      const Slot& slot = *found[i].slot;
      out.push_back({types[slot.type_index].name, slot.bucket, slot.key, {}});
    }
  };
  list(missing, summary.missing_keys);
  // Those let go were the oldest.
  summary.unexpected_keys = retired_unexpected_keys_;
  if (summary.unexpected_keys.size() < MatchSummary::kListedKeys) {
    std::vector<EventKeyListing> kept;
    list(unexpected, kept);
    for (auto& k : kept) {
      if (summary.unexpected_keys.size() >= MatchSummary::kListedKeys) break;
      summary.unexpected_keys.push_back(std::move(k));
    }
  }
  summary.mismatched_keys = mismatched_keys_;
  summary.delivered_for_failed_keys = delivered_for_failed_keys_;
  summary.out_of_order_keys = out_of_order_keys_;

  for (auto& type : types) {
    const bool active = type.expected + type.delivered + type.duplicate + type.unexpected +
                            type.delivered_for_failed + type.unmatched >
                        0;
    if (active) summary.types.push_back(std::move(type));
  }
  summary.test_events = test_events_;
  for (const auto& window : outages_) {
    OutageSummary outage;
    outage.late = window.late;
    if (window.first_after != TimePoint::max()) {
      const auto seconds = [&window](TimePoint t) {
        return std::chrono::duration<double>(t - window.end).count();
      };
      outage.first_event_s = seconds(window.first_after);
      outage.recovered_s = seconds(std::max(window.first_after, window.last_late));
    }
    const TimePoint drained = window.first_after == TimePoint::max()
                                  ? TimePoint::max()
                                  : std::max(window.first_after, window.last_late);
    outage.duplicated = static_cast<std::uint64_t>(
        std::count_if(duplicate_arrivals_.begin(), duplicate_arrivals_.end(),
                      [&](TimePoint t) { return t >= window.start && t <= drained; }));
    summary.outages.push_back(outage);
  }
  for (const auto& [fp, slot] : slots_) {
    if (outages_.empty()) break;
    for (const Expectation& e : slot.expected) {
      if (const int k = outage_of_locked(e.completed); k >= 0) {
        ++summary.outages[static_cast<std::size_t>(k)].lost;
      }
    }
  }
  return summary;
}

}  // namespace s3storm::events
