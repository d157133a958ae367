#pragma once

// The status line and header block of a ServerResponse as the server sends it, written into a
// string the connection reuses (Beast's serializer walks nested buffer views that cost more than
// the rest of a small response). Internal to src/http.

#include <string>

#include "http/server.hpp"

namespace s3storm::http {

struct ResponseFraming {
  int version = 11;  // of the request: 10 or 11
  bool head_request = false;
  bool keep_alive = true;
};

// 1xx, 204 and 304 answers never carry a body (nor a Content-Length).
bool status_allows_body(unsigned status);

// Writes the header into `out` (cleared first): the status line, the handler's headers except
// Content-Length / Transfer-Encoding / Connection, then Content-Length (the body's size, or the
// handler's own for a HEAD answer) and Connection as `framing.keep_alive` requires for the version.
void serialize_response_header(const ServerResponse& response, const ResponseFraming& framing,
                               std::string& out);

}  // namespace s3storm::http
