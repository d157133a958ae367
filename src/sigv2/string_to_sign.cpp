#include "sigv2/string_to_sign.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "sigv4/crypto.hpp"
#include "sigv4/uri_encoding.hpp"
#include "util/ascii.hpp"

namespace s3storm::sigv2 {

namespace {

// S3's documented list, plus the ones botocore's HmacV1Auth adds for newer APIs (a client that
// signs one of them expects the server to as well).
constexpr std::array<std::string_view, 35> kSubresources = {
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};

// A header value may start or end with the line breaks of its folding.
constexpr std::string_view kBlanks = " \t\r\n";

// The first header of that name, trimmed; empty when absent.
std::string_view header_value(std::span<const sigv4::Header> headers, std::string_view name) {
  for (const auto& header : headers) {
    if (ascii::iequals(header.name, name)) return ascii::trim(header.value, kBlanks);
  }
  return {};
}

// Folds a value's line breaks and the whitespace around them into one space, as S3 unfolds
// headers before signing.
void append_unfolded(std::string& out, std::string_view value) {
  bool folding = false;
  for (const char c : value) {
    if (c == '\r' || c == '\n') {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      folding = true;
    } else if (folding && (c == ' ' || c == '\t')) {
      continue;
    } else {
      if (folding) out.push_back(' ');
      folding = false;
      out.push_back(c);
    }
  }
}

}  // namespace

bool is_subresource(std::string_view name) {
  return std::find(kSubresources.begin(), kSubresources.end(), name) != kSubresources.end();
}

std::string canonical_resource(std::string_view virtual_bucket, std::string_view raw_path,
                               std::string_view raw_query) {
  std::string out;
  if (!virtual_bucket.empty()) out.append("/").append(virtual_bucket);
  out.append(raw_path.empty() ? std::string_view("/") : raw_path);

  // name, and the decoded value when the parameter had '=' (S3 signs "uploads" and "uploadId=x").
  std::vector<std::pair<std::string_view, std::string>> picked;
  std::vector<bool> has_value;
  std::string_view rest = raw_query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    if (!is_subresource(name)) continue;
    if (eq == std::string_view::npos) {
      picked.emplace_back(name, std::string{});
      has_value.push_back(false);
    } else {
      picked.emplace_back(name, sigv4::uri_decode(pair.substr(eq + 1)));
      has_value.push_back(true);
    }
  }
  if (picked.empty()) return out;
  std::vector<std::size_t> order(picked.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return picked[a].first < picked[b].first; });
  char separator = '?';
  for (const std::size_t i : order) {
    out.push_back(separator);
    separator = '&';
    out.append(picked[i].first);
    if (has_value[i]) out.append("=").append(picked[i].second);
  }
  return out;
}

std::string canonical_amz_headers(std::span<const sigv4::Header> headers,
                                  std::span<const sigv4::Header> extra) {
  std::vector<std::pair<std::string, std::string_view>> amz;  // lower-case name, trimmed value
  const auto collect = [&](std::span<const sigv4::Header> from) {
    for (const auto& header : from) {
      if (ascii::istarts_with(header.name, "x-amz-")) {
        amz.emplace_back(ascii::lower_copy(header.name), ascii::trim(header.value, kBlanks));
      }
    }
  };
  collect(headers);
  collect(extra);
  // Stable, so the values of a repeated name keep the order they came in.
  std::stable_sort(amz.begin(), amz.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (std::size_t i = 0; i < amz.size(); ++i) {
    if (i > 0 && amz[i].first == amz[i - 1].first) {
      out.pop_back();  // the previous line's '\n': this value joins it
      out.push_back(',');
    } else {
      out.append(amz[i].first).push_back(':');
    }
    append_unfolded(out, amz[i].second);
    out.push_back('\n');
  }
  return out;
}

std::string string_to_sign(const StringToSignInput& input) {
  std::string out;
  out.append(input.method).push_back('\n');
  out.append(header_value(input.headers, "content-md5")).push_back('\n');
  out.append(header_value(input.headers, "content-type")).push_back('\n');
  out.append(input.date_line).push_back('\n');
  out.append(input.canonical_amz_headers);
  out.append(input.canonical_resource);
  return out;
}

std::string sign(std::string_view secret, std::string_view string_to_sign) {
  const sigv4::Sha1Digest mac = sigv4::hmac_sha1(secret, string_to_sign);
  return sigv4::base64_encode(
      std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace s3storm::sigv2
