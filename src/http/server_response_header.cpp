#include "http/server_response_header.hpp"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <cstring>
#include <string_view>

#include "util/ascii.hpp"

namespace s3storm::http {

namespace {

constexpr std::string_view kContentLengthLine = "Content-Length: ";
constexpr std::string_view kKeepAlive = "Connection: keep-alive\r\n";
constexpr std::string_view kClose = "Connection: close\r\n";
// The fixed parts around the handler's fields: status line ("HTTP/1.1 200 " and CRLF), the
// Content-Length field with its longest number, a Connection field and the closing CRLF.
constexpr std::size_t kFixedBound =
    13 + 2 + kContentLengthLine.size() + 20 + 2 + kKeepAlive.size() + 2;

// Writes through a pointer into storage sized beforehand: one resize per response instead of a
// capacity check per piece.
char* put(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

char* put_field(char* out, std::string_view name, std::string_view value) {
  out = put(out, name);
  *out++ = ':';
  *out++ = ' ';
  out = put(out, value);
  *out++ = '\r';
  *out++ = '\n';
  return out;
}

// Names the server writes itself; a handler's own copies are dropped (Content-Length kept aside
// for a HEAD answer).
enum class FramingField { kNone, kContentLength, kOther };

FramingField framing_field(std::string_view name) {
  switch (name.size()) {
    case 14:
      return ascii::iequals(name, "content-length") ? FramingField::kContentLength
                                                    : FramingField::kNone;
    case 17:
      return ascii::iequals(name, "transfer-encoding") ? FramingField::kOther : FramingField::kNone;
    case 10:
      return ascii::iequals(name, "connection") ? FramingField::kOther : FramingField::kNone;
    default:
      return FramingField::kNone;
  }
}

}  // namespace

bool status_allows_body(unsigned status) {
  return status >= 200 && status != 204 && status != 304;
}

void serialize_response_header(const ServerResponse& response, const ResponseFraming& framing,
                               std::string& out) {
  namespace bhttp = boost::beast::http;
  const unsigned status = response.status;
  const auto reason_text = bhttp::obsolete_reason(bhttp::int_to_status(status));
  const std::string_view reason(reason_text.data(), reason_text.size());

  std::size_t bound = kFixedBound + reason.size();
  for (const auto& [name, value] : response.headers) bound += name.size() + value.size() + 4;
  out.resize(bound);  // the string is reused: after the first responses this only fills
  char* const begin = out.data();
  char* p = put(begin, framing.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  *p++ = static_cast<char>('0' + status / 100 % 10);
  *p++ = static_cast<char>('0' + status / 10 % 10);
  *p++ = static_cast<char>('0' + status % 10);
  *p++ = ' ';
  p = put(p, reason);
  *p++ = '\r';
  *p++ = '\n';

  std::string_view head_length;  // a HEAD answer may announce the length of what it does not send
  for (const auto& [name, value] : response.headers) {
    switch (framing_field(name)) {
      case FramingField::kNone:
        p = put_field(p, name, value);
        break;
      case FramingField::kContentLength:
        head_length = value;
        break;
      case FramingField::kOther:
        break;
    }
  }
  if (status_allows_body(status)) {
    if (framing.head_request && !head_length.empty()) {
      p = put_field(p, "Content-Length", head_length);
    } else {
      p = put(p, kContentLengthLine);
      p = std::to_chars(p, p + 20, response.body.size()).ptr;
      *p++ = '\r';
      *p++ = '\n';
    }
  }
  // HTTP/1.1 keeps connections open unless told otherwise; HTTP/1.0 closes unless told otherwise.
  if (framing.version == 10 && framing.keep_alive) p = put(p, kKeepAlive);
  if (framing.version != 10 && !framing.keep_alive) p = put(p, kClose);
  *p++ = '\r';
  *p++ = '\n';
  out.resize(static_cast<std::size_t>(p - begin));
}

}  // namespace s3storm::http
