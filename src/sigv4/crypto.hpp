#pragma once

// Thin wrappers over OpenSSL 3 EVP: SHA-256, HMAC-SHA256 with precomputed pads, hex and base64.
// The digest algorithm is fetched once per process, because an implicit fetch on every call
// costs more than hashing a canonical request.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace s3storm::sigv4 {

using Digest = std::array<unsigned char, 32>;

// Incremental SHA-256 over one reusable EVP context (one per thread or per owner).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void reset();
  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  Digest finish();

 private:
  evp_md_ctx_st* ctx_;
};

// One-shot SHA-256 on a thread-local context.
Digest sha256(std::string_view data);

// An HMAC-SHA256 key whose inner and outer padded blocks are absorbed once, so each MAC under
// the same key (the cached signing key) costs only the message and one more block.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key& other);
  HmacSha256Key& operator=(const HmacSha256Key& other);
  HmacSha256Key(HmacSha256Key&& other) noexcept;
  HmacSha256Key& operator=(HmacSha256Key&& other) noexcept;

  Digest mac(std::string_view message) const;

 private:
  evp_md_ctx_st* inner_;
  evp_md_ctx_st* outer_;
};

Digest hmac_sha256(std::string_view key, std::string_view message);

void append_hex(std::string& out, const unsigned char* data, std::size_t size);
inline void append_hex(std::string& out, const Digest& digest) {
  append_hex(out, digest.data(), digest.size());
}
std::string to_hex(const Digest& digest);
std::string sha256_hex(std::string_view data);

// True for exactly 64 lower-case hex digits (the form SigV4 hashes and signatures take).
bool is_lower_hex_sha256(std::string_view text);

// Compares in time independent of where the inputs differ (signatures are secrets in flight).
bool constant_time_equal(std::string_view a, std::string_view b);

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace s3storm::sigv4
