#pragma once

// Faults the target injects on purpose so reliability tests have something to find.
//   503:P          answer SlowDown (503) to a fraction P of requests
//   reset:P        cut the connection without answering, for a fraction P of requests
//   delay:D[:P]    hold a fraction P (default 1) of requests for D (e.g. 5ms, 200us, 1s)
//   event-drop:P   lose a fraction P of event notifications
//   event-dup:P    deliver a fraction P of event notifications twice
//   event-corrupt:P  send a fraction P of ObjectCreated events with a wrong size or eTag
//                  (alternately), for the run's content check to find
//   body-corrupt:P flip one byte of the body of a fraction P of GET answers that have one, for
//                  a verified read to find
//   event-reorder:P  give a fraction P of the events of keys that had one before a sequencer
//                  below the previous one's, for the run's order check to find
//   capacity:N     accept at most N requests per second (a token bucket holding N/5, at least
//                  1) and answer SlowDown (503) to the rest: a server of known capacity, for a
//                  capacity search to find
//   event-delay:D[:P]  hold a fraction P (default 1) of event notifications for D before they
//                  join the delivery queue, for the run's delivery latency to show
// Decisions come from one seeded generator, so a run's faults are reproducible from its seed
// (for a given request order).

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace s3storm::target {

struct FaultPlan {
  double slow_down = 0;
  double reset = 0;
  double delay_probability = 0;
  std::chrono::microseconds delay{0};
  double event_drop = 0;
  double event_dup = 0;
  double event_corrupt = 0;
  double event_reorder = 0;
  double event_delay_probability = 0;
  std::chrono::microseconds event_delay{0};
  double body_corrupt = 0;
  double capacity_per_s = 0;  // 0: no cap

  bool affects_requests() const {
    return slow_down > 0 || reset > 0 || delay_probability > 0 || capacity_per_s > 0;
  }
};

// Adds one spec to `plan`; throws UsageError naming the spec when it is malformed.
void apply_fault_spec(FaultPlan& plan, std::string_view spec);
FaultPlan parse_fault_specs(const std::vector<std::string>& specs);

struct RequestFault {
  std::chrono::microseconds delay{0};
  bool reset = false;
  bool slow_down = false;
};

class FaultInjector {
 public:
  FaultInjector(FaultPlan plan, std::uint64_t seed);

  const FaultPlan& plan() const { return plan_; }

  // Thread-safe. Rolls the dice for one request (nothing when the plan has no request faults).
  RequestFault next_request();
  // How many copies of one event to send: 0 (dropped), 1, or 2 (duplicated).
  int next_event_copies();
  // Whether to corrupt one event's content.
  bool next_event_corrupt();
  // Whether to give one event a sequencer out of order.
  bool next_event_reorder();
  // Whether to hold one event back for plan().event_delay.
  bool next_event_delay();
  // Whether to corrupt one GET answer's body.
  bool next_body_corrupt();

 private:
  bool roll(double probability);  // caller holds mutex_
  bool over_capacity();           // caller holds mutex_: takes a token if one is left

  FaultPlan plan_;
  std::mutex mutex_;
  std::mt19937_64 rng_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilled_{};
};

}  // namespace s3storm::target
