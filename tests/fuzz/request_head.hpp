#pragma once

// What the signature fuzz targets (SigV4, SigV2) share: the request head they read from their
// input ("METHOD TARGET [VERSION]" on the first line, then "Name: value" lines up to an empty line
// (CRLF or LF), then the body; views into the input, so a target costs no copies per run), the
// check that no verdict carries a secret, and the target's Authenticator run over the same head.

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.hpp"
#include "sigv4/canonical_request.hpp"
#include "target/authenticator.hpp"
#include "target/s3_error.hpp"

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

// The head as http::Server hands a request to the target.
inline http::ServerRequest to_server_request(const RequestHead& head) {
  http::ServerRequest request;
  request.method = head.method;
  request.target = head.target;
  for (const auto& header : head.headers) {
    request.headers.emplace_back(std::string(header.name), std::string(header.value));
  }
  request.body = head.body;
  return request;
}

struct Key {
  std::string_view access_key_id;
  std::string_view secret;
};

// A secret in a message would put it in a log or an answer: stop the fuzzer there (unless the
// input itself carried it, as a canonical request or a string to sign then echoes it).
template <class Keys>
void require_no_secret(std::string_view text, std::string_view input, const Keys& keys) {
  for (const Key& key : keys) {
    if (text.find(key.secret) != std::string_view::npos &&
        input.find(key.secret) == std::string_view::npos) {
      std::abort();
    }
  }
}

// target::Authenticator, knowing `keys`, at `now`: whether it accepts `request` (for a
// virtual-hosted `bucket`); a verdict that carries a secret stops the fuzzer.
template <class Keys>
bool authenticator_accepts(const http::ServerRequest& request, std::string_view bucket,
                           std::chrono::system_clock::time_point now, std::string_view input,
                           const Keys& keys) {
  target::AuthOptions options;
  for (const Key& key : keys) options.secrets.emplace(key.access_key_id, key.secret);
  options.now = [now] { return now; };
  const target::Authenticator authenticator(std::move(options));
  try {
    const auto caller = authenticator.verify(request, bucket);
    require_no_secret(caller.access_key_id, input, keys);
    return true;
  } catch (const target::S3Error& error) {
    require_no_secret(error.what(), input, keys);
    for (const auto& [name, value] : error.details) require_no_secret(value, input, keys);
    return false;
  }
}

}  // namespace s3storm::fuzz
