#pragma once

// The seam between what builds requests (s3::Exchange through RetryingSender, the workers) and
// what carries them. ConnectionPool is the one production implementation; a unit test puts a fake
// here (tests/engine/fake_sender.hpp) to answer, fail or hold requests without a socket. The
// virtual call is the only cost the seam adds to a request (bench/RESULTS.md, "The seams").

#include "http/message.hpp"

namespace s3storm::http {

struct PoolStats {
  std::uint64_t requests = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_closed = 0;  // broken, not keep-alive, idle too long, or pool closed
  std::uint64_t reused = 0;              // requests sent on an already used connection
  std::uint64_t stale_retries = 0;  // resent once because a reused connection was already closed
  std::uint64_t queued = 0;         // requests that waited for a free connection
};

class Sender {
 public:
  virtual ~Sender() = default;

  // Sends `request` and calls `done` exactly once, on the executor the sender was made on (a
  // closed sender may call it at once, from inside this call). `request` must stay alive and
  // unchanged until `done` runs.
  virtual void async_send(const Request& request, Completion done) = 0;

  // Fails what is queued or in flight with Outcome::kCancelled and lets go of the executor, so its
  // run() can return.
  virtual void close() = 0;

  virtual PoolStats stats() const = 0;
};

}  // namespace s3storm::http
