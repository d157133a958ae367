#pragma once

// The SigV4 signing key, HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request",
// derived once per (secret, date, region, service) and kept in a small cache. A signer uses one
// scope a day; a verifier sees a few access keys; so a handful of entries searched linearly is
// cheaper than any hashing. Not thread-safe: each worker owns its own cache.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/crypto.hpp"

namespace s3storm::sigv4 {

Digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service);

class SigningKeyCache {
 public:
  explicit SigningKeyCache(std::size_t capacity = 8) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The key for this scope, ready to MAC strings to sign; valid until the next get().
  const HmacSha256Key& get(std::string_view secret, std::string_view date, std::string_view region,
                           std::string_view service);

  std::uint64_t derivations() const { return derivations_; }

 private:
  struct Entry {
    std::string secret;
    std::string date;
    std::string region;
    std::string service;
    HmacSha256Key key;
    std::uint64_t last_used;
  };
  std::vector<Entry> entries_;
  std::size_t capacity_;
  std::uint64_t clock_ = 0;
  std::uint64_t derivations_ = 0;
};

}  // namespace s3storm::sigv4
