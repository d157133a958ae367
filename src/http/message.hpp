#pragma once

// What the engine hands the client and what it gets back.

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s3storm::http {

// The body is a view: it points into the run's shared, read-only payload buffer, so sending (and
// re-sending on retry) never copies or allocates it.
using BodyView = boost::beast::http::span_body<const char>;
using RequestMessage = boost::beast::http::request<BodyView>;

// Sees a response body as it streams past, so it can be checked without keeping it (a verified
// GET of any size). Called on the connection's thread, once per attempt: on_response with the
// status line, then on_body for each piece, `offset` counting from the body's first byte.
class BodyObserver {
 public:
  virtual ~BodyObserver() = default;
  virtual void on_response(unsigned status) = 0;
  virtual void on_body(std::uint64_t offset, std::string_view bytes) = 0;
};

struct Request {
  RequestMessage message;
  // Count the response body bytes but keep none of them (large GETs).
  bool discard_body = false;
  BodyObserver* body_observer = nullptr;  // optional; outlives the request
  // When not empty: the request line and every header field exactly as sent, blank line
  // included, and `message` only gives the method and the body. s3::Exchange writes its requests
  // this way, because Beast's field container allocates a node per field on every request.
  std::string head;
};

// Fills method, target, Host and the body view, and sets Content-Length (also for an empty body,
// which S3 wants on PUT). Other headers (signature, content type) are the caller's.
void prepare_request(Request& request, boost::beast::http::verb method, std::string_view target,
                     std::string_view host, std::string_view body = {});

// The request line and header fields as they go on the wire, into `out` (cleared first, so a
// connection reuses its capacity). Beast's serializer walks nested buffer views for this and cost
// ~18,000 instructions per 1 KiB PUT under callgrind (bench/RESULTS.md); our requests always carry
// Content-Length and are never chunked, so the plain form is all that is needed.
void serialize_header(const RequestMessage& message, std::string& out);

enum class Outcome {
  kOk,             // a complete response arrived (any status)
  kTimeout,        // no complete response within the request timeout
  kConnectFailed,  // TCP connect failed or timed out
  kTlsFailed,      // TLS handshake failed (e.g. certificate not trusted)
  kReset,          // the server reset or closed the connection mid-exchange
  kProtocolError,  // the response could not be parsed
  kCancelled,      // the pool was closed first
};

std::string_view to_string(Outcome outcome);

using Clock = std::chrono::steady_clock;

struct Timing {
  Clock::time_point queued;      // async_send was called
  Clock::time_point written;     // the last request byte went out
  Clock::time_point first_byte;  // the first response byte arrived
  Clock::time_point complete;    // the response (or the failure) is complete
};

// Every header field of a response as received, in order. A connection keeps one and refills it
// for each response, so reading the fields allocates nothing once its buffers have grown.
class ResponseHeaders {
 public:
  // The value of the first field named `name` (compared case-insensitively), or empty.
  std::string_view operator[](std::string_view name) const;
  std::size_t size() const { return fields_.size(); }

  void clear();
  void add(std::string_view name, std::string_view value);

 private:
  struct Field {
    std::uint32_t name_at, name_size, value_at, value_size;
  };
  std::string text_;  // names and values back to back; Field holds offsets, which survive growth
  std::vector<Field> fields_;
};

struct Response {
  unsigned status = 0;
  std::string etag;        // as sent, quotes included
  std::string request_id;  // x-amz-request-id
  std::string version_id;  // x-amz-version-id: the version a write made on a versioned bucket
  std::optional<std::uint64_t> content_length;
  std::string body;              // up to PoolOptions::response_body_limit bytes, unless discarded
  std::uint64_t body_bytes = 0;  // bytes received, kept or not
  bool body_truncated = false;   // more arrived than the limit allowed to keep
  // Every response header; valid only during the completion callback, null on failure.
  const ResponseHeaders* headers = nullptr;
};

struct Result {
  Outcome outcome = Outcome::kOk;
  boost::system::error_code error;  // details when outcome != ok
  Response response;
  Timing timing;
  bool reused_connection = false;
  int attempts = 1;  // > 1 when sent through a RetryingSender that retried
};

// Called once per async_send, on the pool's io_context thread. The Result lives in the connection
// and is reused for its next request: it is valid only during the call (moving a string out is
// fine, copying keeps the connection's buffers warm).
using Completion = std::function<void(Result&)>;

}  // namespace s3storm::http
