#pragma once

// A small HTTP/1.1 server building block for the embedded S3 target and the events webhook.
// Beast stays behind the .cpp so users of this header do not pay for its compile time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3storm::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ServerRequest {
  std::string method;  // as received, e.g. "PUT"
  std::string target;  // raw request-target, not decoded
  HeaderList headers;  // in arrival order, names as sent
  std::string body;
  std::string remote_address;  // peer IP, e.g. "127.0.0.1"

  // Case-insensitive lookup; empty when the header is absent.
  std::string_view header(std::string_view name) const;
};

// The server sets Content-Length (from the body; a HEAD answer may set its own) and Connection
// itself: a handler's Content-Length (other than HEAD's), Transfer-Encoding and Connection are
// not sent. 1xx, 204 and 304 answers go without a body.
struct ServerResponse {
  unsigned status = 200;
  HeaderList headers;
  std::string body;
  // Close the connection without answering (the peer sees a TCP reset): for fault injection.
  bool reset_connection = false;
  // Hold the answer (or the reset) this long before sending it, on a timer, so a delayed request
  // does not hold a server thread: for fault injection.
  std::chrono::microseconds delay{0};

  // Replaces an existing header of the same name (case-insensitive).
  void set_header(std::string_view name, std::string_view value);
  // Back to an empty 200. The server reuses one response per connection, and this keeps the
  // header strings' storage for the next request's set_header calls.
  void clear();

 private:
  // Header strings of earlier responses, taken in order from next_spare_: handlers set the same
  // names in the same order, so a name usually is already in place.
  HeaderList spare_headers_;
  std::size_t next_spare_ = 0;
};

// Called synchronously once per complete request, possibly from several threads at once.
// `response` arrives cleared (see ServerResponse::clear). An exception thrown here becomes a 500.
// The request is the handler's to change: the S3 target decodes an aws-chunked body in place.
using ServerHandler = std::function<void(ServerRequest&, ServerResponse&)>;

// What becomes of a request's body, decided from its header alone (see
// ServerOptions::check_header).
enum class BodyAdmission {
  kRead,                 // the header authenticates the request: read the body
  kReadUnauthenticated,  // read it, held to ServerOptions::unauthenticated_body_limit
  kRefuse,               // answer the response the check filled in, read nothing, close
};
// Called once a request's header is in and its body has not all arrived with it, before any more
// of the body is read, so a request that cannot succeed never costs its body's memory. `response`
// arrives cleared. An exception thrown here refuses the request with a 500.
using HeaderCheck = std::function<BodyAdmission(const ServerRequest&, ServerResponse&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the OS picks a free port; read it back with Server::port()
  // Each thread runs its own event loop and connections are dealt to them in turn; a connection
  // stays on its thread, so a handler that blocks holds up that thread's other connections
  // (with more than one, one extra thread accepts, so new connections still get in).
  unsigned threads = 1;
  std::uint64_t body_limit = 8 * 1024 * 1024;  // past it: 413 and close
  // None: every body is read (up to body_limit).
  HeaderCheck check_header;
  // A body the header check could not authenticate (BodyAdmission::kReadUnauthenticated) is
  // held to this many bytes (413 and close past it); the smaller of the two limits wins.
  std::uint64_t unauthenticated_body_limit = 8 * 1024 * 1024;
  // Body bytes being received on all connections together (the declared length of each body
  // that did not arrive with its header, or what a chunked one has so far). A request that would
  // go past it is answered 503 (see answer_refusal) and the connection closed. 0: no budget.
  std::uint64_t body_budget = 0;
  // Fills the answer to a request the server refuses by itself once its header is read: 413 for a
  // body past a limit, 503 for the body budget spent (the status is set when it is called; an
  // S3 error document, say). Without it the answer is the bare status.
  std::function<void(const ServerRequest&, ServerResponse&)> answer_refusal;
  std::uint32_t header_limit = 16 * 1024;
  // Time to receive a complete request header; also how long an idle keep-alive connection lives.
  std::chrono::milliseconds header_timeout{10'000};
  // Time to receive the body once the header is in (and to write the response).
  std::chrono::milliseconds body_timeout{30'000};
  // How long stop() waits for requests in progress before cutting connections.
  std::chrono::milliseconds stop_timeout{5'000};
};

struct ServerCounters {
  std::uint64_t connections = 0;           // accepted
  std::uint64_t requests = 0;              // handed to the handler
  std::uint64_t rejected_too_large = 0;    // 413
  std::uint64_t rejected_timeout = 0;      // 408 (a partial request stalled)
  std::uint64_t rejected_bad_request = 0;  // 400 (parse errors)
  std::uint64_t resets = 0;                // handler asked for reset_connection
  std::uint64_t handler_errors = 0;        // handler threw; answered 500
  std::uint64_t refused_at_header = 0;     // the header check refused (the body never read)
  std::uint64_t rejected_over_budget = 0;  // the body budget was spent
  std::uint64_t body_bytes_peak = 0;       // the most body bytes charged to the budget at once
};

class Server {
 public:
  Server(ServerOptions options, ServerHandler handler);
  ~Server();  // stops if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (throws std::runtime_error naming the address on failure), then serves on
  // `options.threads` threads of its own.
  void start();
  // Stops accepting, closes idle connections, lets requests in progress finish (up to
  // stop_timeout), then joins the threads. An answer being written is cut when its peer takes
  // nothing for a second: a client that never reads does not hold the stop. Idempotent.
  void stop();

  std::uint16_t port() const;
  const std::string& address() const;
  ServerCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s3storm::http
