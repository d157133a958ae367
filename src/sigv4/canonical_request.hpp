#pragma once

// The SigV4 canonical request, built into caller-owned buffers:
//   METHOD \n path \n sorted query \n lower-cased trimmed headers \n \n signed-header list \n
//   payload hash
// Header names are compared case-insensitively and sorted without copying; duplicate names are
// joined with ',' in the order given; values are trimmed and inner whitespace runs collapsed.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3storm::sigv4 {

struct Header {
  std::string_view name;
  std::string_view value;
};

// S3 signs the path exactly as sent. Every other service (sqs, sns, sts, ...) signs it with dot
// segments and repeated slashes removed, then percent-encoded once more (botocore's rule).
enum class PathRule { kAsSent, kNormalizeAndEncode };
PathRule path_rule_for_service(std::string_view service);
bool is_s3_service(std::string_view service);

struct CanonicalInput {
  std::string_view method;
  std::string_view path;            // as on the wire (percent-encoded); empty means "/"
  std::string_view query;           // as on the wire, without '?'; sorted, never re-encoded
  std::span<const Header> headers;  // every header to sign, names in any case
  std::string_view payload_hash;    // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
  PathRule path_rule = PathRule::kAsSent;
  // The headers' names are lower-case already and the headers in canonical order (the verifier
  // finds them so from a sorted signed-header list): no sorting, no lowering.
  bool headers_canonical = false;
};

// Keeps its sort scratch between calls, so a warmed-up builder allocates nothing.
class CanonicalRequestBuilder {
 public:
  // Replaces the contents of `out` with the canonical request and of `signed_headers` with the
  // ';'-joined lower-case names.
  void build(const CanonicalInput& input, std::string& out, std::string& signed_headers);

  // Only the ';'-joined lower-case names (presigning needs them before the canonical request).
  void signed_header_list(std::span<const Header> headers, std::string& out);

 private:
  // `lowered`: every name is lower-case already (the load engine's are), so names compare as
  // they are rather than a folded character at a time.
  void sort_headers(std::span<const Header> headers, bool lowered = false);
  void append_query(std::string& out, std::string_view query);
  void append_headers(std::string& out, std::string& signed_headers,
                      std::span<const Header> headers);
  void append_canonical_headers(std::string& out, std::string& signed_headers,
                                std::span<const Header> headers);

  std::vector<std::pair<std::string_view, std::string_view>> query_pairs_;
  std::vector<std::uint32_t> header_order_;
};

// Lower-case ASCII comparison of header names: true when a sorts before b. (Equality regardless
// of case: ascii::iequals.)
bool header_name_less(std::string_view a, std::string_view b);

// Appends a header value as SigV4 wants it: no leading/trailing whitespace, runs collapsed.
void append_trimmed_header_value(std::string& out, std::string_view value);

}  // namespace s3storm::sigv4
