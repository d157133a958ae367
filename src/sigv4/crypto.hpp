#pragma once

// Thin wrappers over OpenSSL: SHA-256, HMAC-SHA256 with precomputed pads, HMAC-SHA1 (for the
// target's SigV2 verification), SHA-1 (x-amz-checksum-sha1), base64.
// SHA-256 uses OpenSSL's plain SHA256_CTX (the same assembly, SHA-NI included, as EVP) rather
// than an EVP context: a hash state is then a value on the stack, and copying the HMAC pads for
// each MAC is a memcpy, where EVP_MD_CTX_copy_ex allocates and frees the provider's state.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm::sigv4 {

using Digest = std::array<unsigned char, 32>;

// Room for OpenSSL's SHA256_CTX (crypto.cpp checks the size), so this header does not pull in
// OpenSSL's deprecated low-level API.
struct Sha256State {
  alignas(8) unsigned char bytes[112];
};

// Incremental SHA-256.
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
  Sha256State state_;
};

// One-shot SHA-256.
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
  // mac() of the parts one after the other, without copying them into one message first.
  Digest mac_parts(std::initializer_list<std::string_view> parts) const;

  // The same key with `prefix` already fed into the inner hash: mac(m) of the result is
  // mac(prefix + m) of this one. For a message head shared by many MACs.
  HmacSha256Key with_message_prefix(std::string_view prefix) const;
  // True when both compute the same MACs (same key, same prefix).
  bool same_key(const HmacSha256Key& other) const;

 private:
  Sha256State inner_;
  Sha256State outer_;
};

Digest hmac_sha256(std::string_view key, std::string_view message);

// HMAC-SHA1: only SigV2 (sigv2/) uses it, off the hot path, so a one-shot call is enough.
using Sha1Digest = std::array<unsigned char, 20>;
Sha1Digest hmac_sha1(std::string_view key, std::string_view message);

// Incremental SHA-1, for x-amz-checksum-sha1 (s3/checksum), computed by uploads and by the target.
class Sha1 {
 public:
  Sha1();
  ~Sha1();
  Sha1(const Sha1&) = delete;
  Sha1& operator=(const Sha1&) = delete;
  void update(std::string_view data);
  Sha1Digest finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Lower-case hex SHA-256 (hex digits of digests and MACs: util/hex.hpp).
std::string sha256_hex(std::string_view data);

// True for exactly 64 lower-case hex digits (the form SigV4 hashes and signatures take).
bool is_lower_hex_sha256(std::string_view text);

// Compares in time independent of where the inputs differ (signatures are secrets in flight).
bool constant_time_equal(std::string_view a, std::string_view b);

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace s3storm::sigv4
