#pragma once

// The S3 endpoint a run starts itself for `endpoint: embedded`, as the engine sees it. An
// interface, so the load engine does not carry the server (src/target links it in the CLI,
// cli/embedded_local_target.cpp); the run is handed one and starts it only when the scenario asks.

#include <functional>
#include <string>

#include "sigv4/signer.hpp"

namespace s3storm::engine {

struct LocalTargetOptions {
  std::string region;
  std::uint64_t seed = 1;
  sigv4::Credentials credentials;  // the one key pair it accepts
  // Notify for buckets that have no notification configuration: a scenario that configures none
  // expects every event (as it does of a server configured beforehand).
  bool notify_unconfigured = false;
};

// Gets each event the target emits, as the S3 notification JSON it would POST.
using LocalEventSink = std::function<void(std::string json)>;

class LocalTarget {
 public:
  virtual ~LocalTarget() = default;

  // The key pair it accepts when the scenario and the environment name none.
  virtual sigv4::Credentials default_credentials() const = 0;
  // Starts serving on a free loopback port and returns its endpoint URL ("http://127.0.0.1:N").
  // `events` may be empty: no event is then built.
  virtual std::string start(const LocalTargetOptions& options, LocalEventSink events) = 0;
  // Delivers what it has queued (bounded), then stops; a no-op when not started.
  virtual void stop() = 0;
};

}  // namespace s3storm::engine
