// Fuzz entry point over the HTTP client's response reading (http::detail::ResponseParser, the
// parser each pooled Connection fills its Response with), driven the way Connection drives it:
// bytes arrive in pieces into the connection's flat buffer, parse() puts what is buffered until
// the parser needs more, fails or is done, the end of the stream is put_eof() when some of a
// response arrived, and a finished keep-alive response with nothing left over makes way for the
// next response on the same connection (its ResponseHeaders and Response reused); an interim 1xx
// response is skipped, as Connection::parse skips it. Status line,
// headers, Content-Length, chunked transfer-encoding and close-delimited bodies all pass here.
//
// Input: byte 0 says how the request was sent (bit 0: HEAD, whose response has no body; bit 1:
// discard_body, a large GET; bits 2-4: the response body limit, from 0 to 1 MiB; bits 5-7: how
// many piece sizes follow); those bytes are the sizes of successive pieces (cycled; 0 means "all
// the rest"); the remaining bytes are what the server sent.
//
// Each response must end done, failed or waiting for more, and what a done response says must
// hold together: the body kept is at most the limit and a prefix of what was counted, nothing is
// kept when discarding, and the headers read back. Anything else is a bug.

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "http/connection.hpp"
#include "http/retry.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace http = s3storm::http;

constexpr std::size_t kBodyLimits[] = {0, 1, 16, 64, 256, 1024, 4096, std::size_t{1} << 20};

// A verified GET's body check sees every body byte once, in order, from offset 0.
class ContiguousObserver final : public http::BodyObserver {
 public:
  void on_response(unsigned) override { seen_ = 0; }
  void on_body(std::uint64_t offset, std::string_view bytes) override {
    if (offset != seen_) std::abort();
    seen_ += bytes.size();
  }
  std::uint64_t seen() const { return seen_; }

 private:
  std::uint64_t seen_ = 0;
};

struct Exchange {
  http::Response response;
  http::ResponseHeaders headers;
  ContiguousObserver observer;
  std::optional<http::detail::ResponseParser> parser;
};

// What Connection::on_write does before reading a response.
void start_response(Exchange& exchange, bool head, bool keep_body, std::size_t body_limit) {
  exchange.response = http::Response{};
  exchange.headers.clear();
  exchange.parser.emplace(exchange.response, exchange.headers, body_limit, keep_body,
                          &exchange.observer);
  exchange.parser->body_limit(std::numeric_limits<std::uint64_t>::max());
  exchange.parser->eager(true);
  if (head) exchange.parser->skip(true);
}

// What Connection::finish reads off a done response, and what the engine then reads of it.
void check_done(Exchange& exchange, bool keep_body, std::size_t body_limit) {
  auto& response = exchange.response;
  if (auto length = exchange.parser->content_length()) response.content_length = *length;
  response.headers = &exchange.headers;
  if (response.status > 999) std::abort();  // three digits
  if (!keep_body && !response.body.empty()) std::abort();
  if (exchange.observer.seen() != response.body_bytes) std::abort();
  if (response.body.size() > body_limit || response.body.size() > response.body_bytes) {
    std::abort();
  }
  if (keep_body && response.body_truncated != (response.body.size() < response.body_bytes)) {
    std::abort();
  }
  volatile std::size_t sink = 0;
  for (const auto name : {"content-length", "etag", "x-amz-request-id", "connection", "date"}) {
    sink = sink + (*response.headers)[name].size();
  }
  sink = sink + http::s3_error_code(response.body).size() + response.etag.size() +
         response.request_id.size() + response.version_id.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool head = (data[0] & 1u) != 0;
  const bool keep_body = (data[0] & 2u) == 0;
  const std::size_t body_limit = kBodyLimits[(data[0] >> 2) & 7u];
  const std::size_t size_count = std::min<std::size_t>((data[0] >> 5) & 7u, size - 1);
  const std::vector<std::uint8_t> sizes(data + 1, data + 1 + size_count);
  const std::string_view stream(reinterpret_cast<const char*>(data + 1 + size_count),
                                size - 1 - size_count);

  Exchange exchange;
  start_response(exchange, head, keep_body, body_limit);
  beast::flat_buffer buffer;
  std::size_t at = 0;
  for (std::size_t i = 0; at < stream.size(); ++i) {
    const std::size_t wanted = sizes.empty() ? 0 : sizes[i % sizes.size()];
    const std::string_view piece = stream.substr(at, wanted == 0 ? stream.size() : wanted);
    at += piece.size();
    // Connection::on_read: the bytes the socket read are committed to the buffer.
    const auto room = buffer.prepare(piece.size());
    boost::asio::buffer_copy(room, boost::asio::buffer(piece.data(), piece.size()));
    buffer.commit(piece.size());
    // Connection::parse.
    bool done = false;
    while (buffer.size() > 0) {
      beast::error_code ec;
      const std::size_t used = exchange.parser->put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == bhttp::error::need_more) break;
      if (ec) return 0;  // the connection fails and closes
      if (exchange.parser->is_done()) {
        // Connection::parse skips an interim response (1xx but 101) and reads on.
        if (http::detail::is_interim_status(exchange.response.status)) {
          start_response(exchange, head, keep_body, body_limit);
          continue;
        }
        done = true;
        break;
      }
      if (used == 0) break;
    }
    if (!done) continue;
    check_done(exchange, keep_body, body_limit);
    // Connection::finish: reused only when keep-alive and nothing is left over.
    if (!exchange.parser->keep_alive() || buffer.size() > 0) return 0;
    start_response(exchange, head, keep_body, body_limit);
  }
  // Connection::on_read at EOF: the end of a close-delimited response, or a cut one.
  if (exchange.parser->got_some() && !exchange.parser->is_done()) {
    beast::error_code ec;
    exchange.parser->put_eof(ec);
    if (!ec) check_done(exchange, keep_body, body_limit);
  }
  return 0;
}
