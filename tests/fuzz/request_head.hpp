#pragma once

// The request heads the signature fuzz targets (SigV4, SigV2) read from their input:
// "METHOD TARGET [VERSION]" on the first line, then "Name: value" lines up to an empty line (CRLF
// or LF), then the body. Views into the input, so a target costs no copies per run.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/canonical_request.hpp"

namespace s3storm::fuzz {

inline std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The next line of `text` (without its LF or CRLF); nullopt at the end of the input.
inline std::optional<std::string_view> next_line(std::string_view& text) {
  if (text.empty()) return std::nullopt;
  const std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

struct RequestHead {
  std::string method;
  std::string target;
  std::vector<sigv4::Header> headers;  // views into the input
  std::string_view body;
};

inline std::optional<RequestHead> parse_request_head(std::string_view text) {
  RequestHead head;
  const auto request_line = next_line(text);
  if (!request_line) return std::nullopt;
  const std::size_t space = request_line->find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  head.method = request_line->substr(0, space);
  std::string_view rest = request_line->substr(space + 1);
  head.target = rest.substr(0, rest.find(' '));
  while (const auto line = next_line(text)) {
    if (line->empty()) break;
    const std::size_t colon = line->find(':');
    if (colon == std::string_view::npos) continue;
    head.headers.push_back({line->substr(0, colon), trim(line->substr(colon + 1))});
  }
  head.body = text;
  return head;
}

}  // namespace s3storm::fuzz
