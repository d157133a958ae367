#pragma once

// Splits an S3 request target into bucket, key and query, for path-style addressing
// (/bucket/key) and virtual-hosted addressing (Host: bucket.<suffix>).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3storm::target {

struct RequestTarget {
  std::string bucket;  // decoded; empty for the service (ListBuckets)
  std::string key;     // decoded; empty for bucket operations
  // Whether the bucket came from the Host header (SigV2 then signs it as part of the resource).
  bool virtual_hosted = false;
  // Views into the target given to parse_request_target, valid while it is (the request's).
  std::string_view raw_path;                               // as received
  std::string_view raw_query;                              // as received, without '?'
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

  bool has(std::string_view name) const;
  // Empty when absent.
  std::string_view get(std::string_view name) const;
};

// `host` is the Host header; with a non-empty `virtual_host_suffix` (e.g. "localhost"), a host
// "<bucket>.<suffix>[:port]" names the bucket and the whole path is the key.
RequestTarget parse_request_target(std::string_view target, std::string_view host,
                                   std::string_view virtual_host_suffix);

}  // namespace s3storm::target
