#pragma once

// The embedded S3 endpoint as one object: `s3storm serve` runs it standalone, and a scenario with
// `endpoint: embedded` starts it inside the run on a free loopback port with its events handed
// straight to the run's receiver.
//
//   target::EmbeddedTarget target;
//   target.set_event_sink([&](std::string json) { receiver.accept(json); });  // optional
//   target.start({});                     // 127.0.0.1, a free port
//   endpoint = "http://127.0.0.1:" + std::to_string(target.port());
//   ... run ...
//   target.stop();                        // delivers queued events (bounded), then returns

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "target/event_dispatcher.hpp"
#include "target/fault_spec.hpp"

namespace s3storm::target {

inline constexpr std::string_view kDefaultAccessKey = "s3storm";
inline constexpr std::string_view kDefaultSecretKey = "s3storm-secret";

struct TargetOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: a free port, see port()
  unsigned threads = 2;
  std::map<std::string, std::string, std::less<>> credentials{
      {std::string(kDefaultAccessKey), std::string(kDefaultSecretKey)}};
  std::string notify_url;  // POST every event here (and emit for unconfigured buckets too)
  std::size_t notify_connections = 4;                // POSTs in flight to notify_url
  std::size_t notify_batch = 1;                      // records per POST at most (S3 sends one)
  std::size_t event_queue_bytes = 64 * 1024 * 1024;  // past it events are lost, and counted
  // Emit for buckets without a notification configuration (always so with a notify_url).
  bool emit_unconfigured = false;
  bool discard = false;  // keep metadata only
  // Serve unsigned requests too (serve --anonymous); signed ones are still verified.
  bool anonymous = false;
  FaultPlan faults;
  std::uint64_t seed = 1;            // for the fault dice
  std::string region = "us-east-1";  // reported in events; requests may sign for any region
  std::string virtual_host_suffix = "localhost";
  // The memory budget for request bodies (issue #18): a body is read only once its header has
  // authenticated the request; one larger than body_limit is refused (413); a body read before
  // authentication (a form POST, an --anonymous request) is held to unauthenticated_body_limit;
  // and the bodies being received at once share body_budget bytes (503 SlowDown past it).
  std::uint64_t body_limit = 64 * 1024 * 1024;
  std::uint64_t unauthenticated_body_limit = 8 * 1024 * 1024;
  std::uint64_t body_budget = 256 * 1024 * 1024;
};

struct TargetCounters {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::uint64_t injected_slow_down = 0;
  std::uint64_t injected_resets = 0;
  std::uint64_t injected_delays = 0;
  std::uint64_t injected_body_corruptions = 0;
  std::uint64_t events_emitted = 0;
  std::uint64_t events_dropped_by_fault = 0;
  std::uint64_t events_duplicated_by_fault = 0;
  std::uint64_t events_corrupted_by_fault = 0;
  std::uint64_t events_reordered_by_fault = 0;
  std::uint64_t events_delayed_by_fault = 0;
  std::uint64_t refused_at_header = 0;     // refused before the body was read
  std::uint64_t rejected_too_large = 0;    // 413: past body_limit (or the unauthenticated one)
  std::uint64_t rejected_over_budget = 0;  // 503 SlowDown: body_budget was spent
  std::uint64_t body_bytes_peak = 0;       // the most body bytes charged to body_budget at once
  DispatcherCounters delivery;
};

class EmbeddedTarget {
 public:
  EmbeddedTarget();
  ~EmbeddedTarget();
  EmbeddedTarget(const EmbeddedTarget&) = delete;
  EmbeddedTarget& operator=(const EmbeddedTarget&) = delete;

  // Events go to this callback (on the dispatcher's thread, one {"Records":[...]} message at a
  // time). Call before start(). Buckets without a notification configuration emit only with
  // TargetOptions::emit_unconfigured.
  void set_event_sink(EventSink sink);

  // Throws UsageError for bad options (e.g. --notify URL), std::runtime_error if it cannot bind.
  void start(TargetOptions options);
  void stop();

  std::uint16_t port() const;
  std::string endpoint() const;  // "http://127.0.0.1:PORT"
  TargetCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  EventSink sink_;
};

}  // namespace s3storm::target
