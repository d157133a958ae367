#pragma once

// Keep-alive connections to one endpoint, for one worker thread: the production http::Sender.
// Not thread-safe by design: each worker owns its pool and its io_context, and nothing is shared
// on the request path.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/endpoint.hpp"
#include "http/message.hpp"
#include "http/sender.hpp"

namespace s3storm::http {

struct PoolOptions {
  std::size_t max_connections = 1;                    // the worker's flows in flight
  std::chrono::milliseconds connect_timeout{5'000};   // TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{30'000};  // write request + read whole response
  std::chrono::milliseconds idle_timeout{30'000};     // idle connections are closed after this
  std::size_t response_body_limit = 1024 * 1024;      // bytes of a response body kept
  std::string tls_server_name;  // SNI and the name verified; empty: the endpoint host
};

class ConnectionPool final : public Sender {
 public:
  // Resolves the endpoint once, here (throws std::runtime_error naming it on failure). `tls` is
  // required for https and ignored for http.
  ConnectionPool(boost::asio::io_context& io, Endpoint endpoint, PoolOptions options,
                 std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~ConnectionPool();  // closes everything; pending completions are dropped
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Sends on an idle connection, a new one (up to max_connections), or queues (FIFO) until one is
  // free. `request` must stay alive and unchanged until `done` runs; it is never copied.
  void async_send(const Request& request, Completion done) override;

  // Closes idle connections and fails queued requests with Outcome::kCancelled; in-flight requests
  // complete with cancelled. Needed for io_context::run() to return while connections idle.
  void close() override;

  PoolStats stats() const override;
  std::size_t open_connections() const;
  const Endpoint& endpoint() const;

  class Core;  // shared with the connections, which may outlive a call into the pool

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace s3storm::http
