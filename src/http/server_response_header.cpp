#include "http/server_response_header.hpp"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <charconv>

#include "http/server_ascii.hpp"

namespace s3storm::http {

namespace {

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

bool status_allows_body(unsigned status) {
  return status >= 200 && status != 204 && status != 304;
}

void serialize_response_header(const ServerResponse& response, const ResponseFraming& framing,
                               std::string& out) {
  namespace bhttp = boost::beast::http;
  out.clear();
  out.append(framing.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  const unsigned status = response.status;
  out += static_cast<char>('0' + status / 100 % 10);
  out += static_cast<char>('0' + status / 10 % 10);
  out += static_cast<char>('0' + status % 10);
  out += ' ';
  const auto reason = bhttp::obsolete_reason(bhttp::int_to_status(status));
  out.append(reason.data(), reason.size());
  out.append("\r\n");

  std::string_view head_length;  // a HEAD answer may announce the length of what it does not send
  for (const auto& [name, value] : response.headers) {
    if (ascii_iequals(name, "content-length")) {
      head_length = value;
      continue;
    }
    if (ascii_iequals(name, "transfer-encoding") || ascii_iequals(name, "connection")) continue;
    append_field(out, name, value);
  }
  if (status_allows_body(status)) {
    if (framing.head_request && !head_length.empty()) {
      append_field(out, "Content-Length", head_length);
    } else {
      out.append("Content-Length: ");
      append_number(out, response.body.size());
      out.append("\r\n");
    }
  }
  // HTTP/1.1 keeps connections open unless told otherwise; HTTP/1.0 closes unless told otherwise.
  if (framing.version == 10 && framing.keep_alive) out.append("Connection: keep-alive\r\n");
  if (framing.version != 10 && !framing.keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
}

}  // namespace s3storm::http
