#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/event_checks.hpp"
#include "events/event_record.hpp"
#include "events/fingerprint.hpp"
#include "events/fingerprint_set.hpp"
#include "events/match_summary.hpp"
#include "events/order_history.hpp"
#include "stats/event_stats.hpp"

namespace s3storm::events {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// How the server writes object keys into events.
enum class KeyForm {
  kAuto,        // learn it: raw bytes prove raw, a match that needed decoding proves encoded
  kUrlEncoded,  // AWS, MinIO, Ceph
  kRaw,         // s3rver
};

// What an operation left behind, for checking the content of its event. A field left unknown is
// not checked (a copy whose source size the run never learned, any delete).
struct ExpectedContent {
  std::optional<std::uint64_t> size;
  std::string_view
      etag;  // as the server answered it (quotes and case do not matter); empty: unknown
  std::string_view version_id;  // the answer's x-amz-version-id; empty: none, not checked
};

// How far an event's eventTime may lie outside [request sent, answer received]: the server's
// clock and ours are not the same clock.
inline constexpr std::chrono::milliseconds kDefaultClockSkew{2000};

// How long a delivered identity is remembered, so that a later copy of its event counts as a
// duplicate rather than unexpected; the order history of a key is kept as long. Memory then
// grows with the events of one window, not with the length of the run.
inline constexpr std::chrono::milliseconds kDefaultDedupWindow{10 * 60 * 1000};

// How long an arrival that names another write than any waiting on its identity (another eTag or
// version id) waits for that write's answer to be recorded, before the oldest waiting operation
// takes it as a mismatch. Its event may beat its answer: a synchronous notifier, a client slow to
// read. The answer is on its way then, so a second is ample.
inline constexpr std::chrono::milliseconds kHeldArrivalWait{1000};

// An ETag as a number to compare: quotes dropped, hex case folded; 0 for none.
std::uint64_t etag_fingerprint(std::string_view etag);

// Pairs the events our operations should cause with the events that arrive.
//
// Identity is (bucket, key, event type); several operations on one identity (overwrites) match in
// order. An event may arrive before its operation is recorded (Ceph's synchronous topics send it
// before answering): it waits as a surplus arrival and is matched when the expectation comes, with
// latency clamped to 0 and counted as early; one that names another write than the operations
// already waiting is held for its own (kHeldArrivalWait). Whatever is left at summary time is
// missing (expectations) or duplicate/unexpected (arrivals, by whether the identity was ever
// delivered).
//
// Thread-safe. One mutex: observing must see both possible key forms of an event atomically, and
// the two forms of one key hash to different places, so a sharded table would need cross-shard
// locking; the critical sections are a few hash-table operations (hashing is done outside).
class Matcher {
 public:
  explicit Matcher(KeyForm key_form = KeyForm::kAuto,
                   std::chrono::milliseconds clock_skew = kDefaultClockSkew,
                   std::chrono::milliseconds dedup_window = kDefaultDedupWindow);

  // An operation that S3 notifies succeeded. `key` is the key as sent in the request. `started`
  // (when the operation began) lets an early arrival be told from a copy of an older event.
  // `content`, when known, is held against the event that matches: a delivered event whose size
  // or eTag differs is also counted as mismatched.
  void expect(std::string_view bucket, std::string_view key, EventKind kind, TimePoint completed,
              TimePoint started = TimePoint::min(), const ExpectedContent& content = {});

  // An operation that S3 notifies failed on our side without a verdict from the server (a
  // timeout, a reset, a 5xx after retries): the server may still have applied it. Its event, if
  // one comes, counts as delivered_for_failed, never as unexpected or duplicate.
  void expect_failed(std::string_view bucket, std::string_view key, EventKind kind,
                     TimePoint started);

  void observe(const EventRecord& record, TimePoint arrival);
  // Gives each held arrival whose wait is over by `now` to the oldest operation waiting on its
  // identity. Arrivals and answers do it as they come; a caller waiting for stragglers, when
  // nothing may come, calls this.
  void settle(TimePoint now);
  // A staged outage of the receiver (events.outages) began or ended, in order, not overlapping.
  void outage_began(TimePoint at);
  void outage_ended(TimePoint at);
  void count_test_events(std::uint64_t n);

  // A capacity search's probe: the events of the operations that complete from `from` until
  // close_tally() are also tallied apart, so each probe is judged on its own events, including
  // those that arrive while the next probe runs. Windows follow one another; returns the number
  // of the one opened.
  std::size_t open_tally(TimePoint from);
  void close_tally(TimePoint to);
  // A window's events so far, as one type: expected, delivered (early, mismatched among them), the
  // delivery histograms, and missing (expected, not yet delivered).
  stats::EventTypeStats tally(std::size_t window) const;

  std::uint64_t observed_count() const;
  // Expectations no arrival has matched yet: what summarize() would call missing now. A counter,
  // so waiting for stragglers costs no summary (2-3 ms each, under the lock receivers need).
  std::uint64_t missing_so_far() const { return unmatched_.load(std::memory_order_relaxed); }
  // Identities with something outstanding (an expectation or a surplus arrival): the only ones
  // for which strings are kept. Matched identities cost one fingerprint each.
  std::size_t outstanding_identities() const;
  // What the window holds now: delivered identities remembered, keys with an order history.
  std::size_t remembered_identities() const;
  std::size_t ordered_keys() const;
  // Failed operations still waiting for a possible event: none that started a window ago.
  std::size_t waiting_failed() const;

  // When a summary is taken: at the end, an arrival left unmatched is a duplicate or unexpected;
  // mid-run (a --metrics scrape) it may still meet its operation, so it counts as `unmatched`.
  enum class Moment { kFinal, kMidRun };
  // A snapshot; the matcher keeps working afterwards. The final one first settles every held
  // arrival: no answer is coming for it any more.
  MatchSummary summarize(Moment moment = Moment::kFinal);

 private:
  struct Expectation {
    TimePoint started;
    TimePoint completed;
    std::uint64_t size = 0;
    std::uint64_t etag = 0;     // etag_fingerprint of the answer's ETag; 0: not checked
    std::uint64_t version = 0;  // text_fingerprint of x-amz-version-id; 0: not checked
    bool check_size = false;
  };
  // What an arrival said, in the form a check compares. Kept with a surplus arrival, so small.
  struct Observed {
    std::uint64_t size = 0;
    std::uint64_t etag = 0;
    std::uint64_t version = 0;
    TimePoint event_time = TimePoint::min();  // on our clock; min: absent or unreadable
    std::uint32_t missing_fields = 0;         // RecordField bits its eventVersion requires
    bool has_sequencer = false;
    SequencerValue sequencer;
  };
  // Its text, for a listing of what differed; only while the arrival is being observed.
  struct ObservedText {
    std::string_view etag;
    std::string_view version_id;
    std::string_view event_time;
  };
  struct Arrival {
    TimePoint at;
    Fingerprint alternative;  // the other reading of the key (0: none); see alias_
    Observed observed;
    bool after_delivery = false;  // its identity was delivered within the window before it came
    bool held = false;            // in held_: it named another write than those waiting
  };
  // A held arrival (see kHeldArrivalWait), with the text a mismatch listing would show.
  struct HeldArrival {
    TimePoint at;
    Fingerprint fp;
    std::string etag;
    std::string version_id;
    std::string event_time;
  };
  // A delivered event with a sequencer, by its operation's span, for the order check.
  using OrderEntry = OrderHistory::Entry;
  struct Slot {
    std::uint32_t type_index = 0;
    std::string bucket;  // kept only while something is outstanding, for the key listings
    std::string key;
    std::vector<Expectation> expected;  // oldest first
    std::vector<Arrival> surplus;       // oldest first
  };
  struct TypeCounters {
    std::string name;
    std::uint64_t expected = 0;
    std::uint64_t delivered = 0;
    std::uint64_t early = 0;
    std::uint64_t mismatched = 0;
    std::array<std::uint64_t, kContentFields> mismatched_by_field{};
    std::uint64_t out_of_order = 0;
    std::uint64_t delivered_for_failed = 0;
    // Surplus arrivals older than the window, counted when they were let go.
    std::uint64_t retired_duplicate = 0;
    std::uint64_t retired_unexpected = 0;
    stats::Histogram delivery_us;
    stats::Histogram delivery_from_send_us;
  };

  std::uint32_t type_index_locked(EventKind kind, std::string_view name);
  // Counts a delivery of `expectation` by an arrival at `arrival` that said `observed`.
  void deliver_locked(std::uint32_t type_index, const Expectation& expectation, TimePoint arrival,
                      const Observed& observed, const ObservedText& text, std::string_view bucket,
                      std::string_view key);
  // Which content checks the event fails, as ContentField bits.
  std::uint32_t content_differences(const Expectation& expectation, const Observed& observed) const;
  void check_order_locked(std::uint32_t type_index, const Expectation& expectation,
                          TimePoint arrival, const Observed& observed, std::string_view bucket,
                          std::string_view key);
  // What an operation wrote, for telling whether two operations' events could be swapped.
  static std::uint16_t content_signature(const Expectation& expectation);
  // Events of operations of one type on one key that wrote the same cannot be told apart, and
  // arrive in any order: among the entries interchangeable with entries[added], hands out their
  // events so that sequencers rise with the operations wherever the arrivals allow (an event is
  // only an operation's if it came after the operation was sent). True if any entry changed.
  bool reassign_interchangeable(std::vector<OrderEntry>& entries, std::size_t added);
  // Judges `entry` against its predecessor in `entries`; true when it has just become out of order.
  bool judge_order_locked(std::vector<OrderEntry>& entries, OrderEntry& entry);
  Observed observed_of(const EventRecord& record) const;
  // The wall-clock second (since the epoch) a steady-clock time falls in, for the time series.
  std::int64_t epoch_second_of(TimePoint t) const;
  // `stamped_since_start`: only an arrival whose eventTime (when it has one) is not before the
  // operation's start, give or take the skew (a failed operation's: no content to tell it by).
  // Otherwise (an operation that succeeded) the first arrival that does not name another write,
  // else the first that was not held for another.
  bool take_surplus_locked(Slot& slot, Fingerprint wanted_alternative,
                           const Expectation& expectation, Arrival& taken,
                           bool stamped_since_start = false);
  void erase_if_done_locked(Fingerprint fp);
  // The event names a write other than the one `expectation` made (eTag or version id, where both
  // say one).
  static bool names_another_write(const Expectation& expectation, const Observed& observed);
  void hold_locked(Fingerprint fp, Slot& slot, TimePoint arrival, const Observed& observed,
                   const ObservedText& text);
  // Releases the held arrivals that arrived at `until` - kHeldArrivalWait or before (all: every
  // one), in the order they came.
  void settle_held_locked(TimePoint until, bool all = false);
  void release_held_locked(const HeldArrival& held);
  // Delivers the waiting operation `picked` of `slot` (identity `fp`) with an arrival.
  void deliver_waiting_locked(Fingerprint fp, Slot& slot, std::vector<Expectation>::iterator picked,
                              TimePoint arrival, const Observed& observed,
                              const ObservedText& text);
  // Moves the matcher's idea of now forward (times come from the callers: arrivals, completions)
  // and, every quarter window, forgets what lies more than a window behind it.
  void advance_locked(TimePoint now);
  void forget_before_locked(TimePoint cutoff);
  // Whether an arrival at `at` of `fp` (or its other reading) follows a delivery in the window.
  bool delivered_near_locked(Fingerprint fp, Fingerprint alternative, TimePoint at) const;
  bool prefer_decoded_locked() const;

  struct OutageWindow {
    TimePoint start;
    TimePoint end = TimePoint::max();  // max while it lasts
    std::uint64_t late = 0;
    TimePoint first_after = TimePoint::max();
    TimePoint last_late = TimePoint::min();
  };
  // The outage an operation completed at `completed` belongs to; -1 for none.
  int outage_of_locked(TimePoint completed) const;
  std::vector<OutageWindow> outages_;
  std::vector<TimePoint> duplicate_arrivals_;  // kept only while outages are staged

  struct TallyWindow {
    TimePoint from;
    TimePoint to = TimePoint::max();  // max while open
    stats::EventTypeStats counts;     // missing left 0: tally() derives it
  };
  // The window an operation that completed at `completed` belongs to; null for none.
  stats::EventTypeStats* tally_of_locked(TimePoint completed);
  std::vector<TallyWindow> tallies_;

  const KeyForm key_form_;
  const std::chrono::milliseconds clock_skew_;
  const std::chrono::milliseconds dedup_window_;
  TimePoint latest_ = TimePoint::min();
  TimePoint next_forget_ = TimePoint::min();
  std::vector<EventKeyListing> retired_unexpected_keys_;
  // Wall-clock time minus steady time when the matcher was made: eventTime (wall) onto our clock.
  const std::chrono::system_clock::duration wall_minus_steady_;
  mutable std::mutex mutex_;
  std::unordered_map<Fingerprint, Slot, FingerprintHash> slots_;
  // Held arrivals in the order they came; one that an operation took meanwhile is skipped.
  std::vector<HeldArrival> held_;
  // A surplus arrival whose key had two readings is stored under one; this finds it by the other.
  std::unordered_map<Fingerprint, Fingerprint, FingerprintHash> alias_;
  FingerprintSet delivered_;  // identities delivered in the window: later copies are duplicates
  std::vector<TypeCounters> types_;
  std::vector<EventKeyListing> mismatched_keys_;  // the first MatchSummary::kListedKeys
  // Per key (key_fingerprint), its delivered events with sequencers, sorted by start; at most
  // kOrderHistory, the latest, and none that completed more than a window ago.
  static constexpr std::size_t kOrderHistory = 64;
  OrderHistory order_;
  std::vector<OrderEntry> order_scratch_;  // one key's history while it is judged
  // reassign_interchangeable's working space, kept to spare allocations.
  std::vector<std::size_t> order_group_scratch_;
  std::vector<std::size_t> order_choice_scratch_;
  struct InterchangeableEvent {
    SequencerValue sequencer;
    TimePoint arrival;
    bool taken = false;
  };
  std::vector<InterchangeableEvent> order_event_scratch_;
  std::vector<EventKeyListing> out_of_order_keys_;
  // Failed operations whose event has not come (yet), by identity, with when each started.
  // Forgotten a window after they started, like every other identity: an event that comes
  // later is judged as if the operation had never been recorded.
  std::unordered_map<Fingerprint, std::vector<TimePoint>, FingerprintHash> failed_;
  std::vector<EventKeyListing> delivered_for_failed_keys_;
  // An event charged to a failed operation because nothing else waited for it, kept for a window:
  // a later operation on its identity whose answer comes after it may prove it its own.
  struct FailedClaim {
    TimePoint failed_started;
    TimePoint arrival;
    Observed observed;
    bool listed = false;  // in delivered_for_failed_keys_
  };
  std::unordered_map<Fingerprint, std::vector<FailedClaim>, FingerprintHash> failed_claims_;
  std::size_t operation_named_locked(const Slot& slot, TimePoint arrival,
                                     const Observed& observed) const;
  // The oldest failed operation of `fp` that an arrival saying `observed` could belong to.
  std::optional<std::size_t> failed_owner_locked(Fingerprint fp, TimePoint arrival,
                                                 const Observed& observed) const;
  // Takes the failed operation an arrival of `fp` belongs to; counts and lists it.
  bool take_failed_locked(Fingerprint fp, std::uint32_t type_index, TimePoint arrival,
                          const Observed& observed, std::string_view bucket, std::string_view key);
  // Takes back for `expectation` an event already charged to a failed operation of `fp` that says
  // what it wrote; the failed operation waits again.
  bool reclaim_from_failed_locked(Fingerprint fp, std::uint32_t type_index,
                                  const Expectation& expectation, std::string_view bucket,
                                  std::string_view key);
  stats::TimeSeries expected_per_second_;   // see MatchSummary
  stats::TimeSeries delivered_per_second_;  // missing ones are added by summarize()
  std::uint64_t observed_ = 0;
  std::atomic<std::uint64_t> unmatched_{0};
  std::uint64_t test_events_ = 0;
  std::uint64_t raw_evidence_ = 0;
  std::uint64_t encoded_evidence_ = 0;
};

}  // namespace s3storm::events
