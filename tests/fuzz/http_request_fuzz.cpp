// Fuzz entry point over the embedded server's request parsing (http::ServerRequestParser), fed
// the way http::Server's connection feeds it: bytes arrive in pieces, each piece is appended to
// the connection's buffer, the parser consumes what it can, and a finished keep-alive request
// makes way for the next one on the same reused ServerRequest.
//
// Input: byte 0 holds (in its low 3 bits) how many piece sizes follow; those bytes are the sizes
// of successive pieces (cycled; 0 means "all the rest"); the remaining bytes are the stream.
// The parser must end every stream in "need more", "done" or a Beast error; anything else (a
// crash, an exception, a sanitizer report) is a bug.

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http/server.hpp"
#include "http/server_request_parser.hpp"

namespace {

namespace bhttp = boost::beast::http;
using s3storm::http::ServerRequest;
using s3storm::http::ServerRequestParser;

// Small limits so the fuzzer reaches them; http::ServerOptions' defaults are 8 MiB and 16 KiB.
constexpr std::uint64_t kBodyLimit = 4096;
constexpr std::uint32_t kHeaderLimit = 1024;

// What http::Server reads off a request once it is done; touching it checks it is readable.
std::size_t touch(const ServerRequestParser& parser, const ServerRequest& request) {
  std::size_t sum = request.method.size() + request.target.size() + request.body.size();
  for (const auto& [name, value] : request.headers) sum += name.size() + value.size();
  sum += request.header("content-length").size() + request.header("host").size();
  return sum + static_cast<std::size_t>(parser.version()) + parser.is_head() +
         parser.expects_continue() + parser.keep_alive();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t size_count = std::min<std::size_t>(data[0] & 7u, size - 1);
  const std::vector<std::uint8_t> sizes(data + 1, data + 1 + size_count);
  const char* stream = reinterpret_cast<const char*>(data + 1 + size_count);
  const std::size_t stream_size = size - 1 - size_count;

  ServerRequest request;  // one per connection, reused by each request on it
  std::optional<ServerRequestParser> parser;
  const auto start_request = [&] {
    parser.emplace(request);
    parser->eager(true);
    parser->body_limit(kBodyLimit);
    parser->header_limit(kHeaderLimit);
  };
  start_request();

  std::string buffer;  // the connection's read buffer: bytes received but not yet parsed
  volatile std::size_t sink = 0;
  // As Server's parse_buffered: feed what is buffered until the parser wants more or is done; a
  // done keep-alive request makes way for the next (pipelined) one. False: the server closes.
  const auto parse_buffered = [&]() -> bool {
    for (;;) {
      while (!buffer.empty() && !parser->is_done()) {
        boost::beast::error_code ec;
        const std::size_t used = parser->put(boost::asio::buffer(buffer), ec);
        buffer.erase(0, used);
        if (ec == bhttp::error::need_more) break;
        if (ec) return false;  // the server answers 400/413 and closes the connection
        if (used == 0) break;
      }
      if (!parser->is_done()) return true;
      sink = sink + touch(*parser, request);
      if (!parser->keep_alive()) return false;
      start_request();
      if (buffer.empty()) return true;
    }
  };

  std::size_t offset = 0;
  std::size_t piece = 0;
  while (offset < stream_size) {
    std::size_t take = sizes.empty() ? 0 : sizes[piece++ % sizes.size()];
    if (take == 0 || take > stream_size - offset) take = stream_size - offset;
    buffer.append(stream + offset, take);
    offset += take;
    if (!parse_buffered()) return 0;
  }
  // The stream ended: what a partial request has filled so far must still be readable.
  sink = sink + touch(*parser, request);
  return 0;
}
