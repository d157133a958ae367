#include "sigv4/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <utility>

namespace s3storm::sigv4 {
namespace {

const EVP_MD* sha256_algorithm() {
  // Fetched once and kept for the life of the process (an explicit fetch avoids the per-call
  // lookup that EVP_sha256() + implicit fetch would repeat).
  static EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (algorithm == nullptr) throw std::runtime_error("OpenSSL: SHA256 unavailable");
  return algorithm;
}

EVP_MD_CTX* new_context() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  return ctx;
}

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(what);
}

void init(EVP_MD_CTX* ctx) {
  check(EVP_DigestInit_ex2(ctx, sha256_algorithm(), nullptr), "OpenSSL: digest init");
}

Digest finish_context(EVP_MD_CTX* ctx) {
  Digest out{};
  unsigned int size = 0;
  check(EVP_DigestFinal_ex(ctx, out.data(), &size), "OpenSSL: digest final");
  return out;
}

EVP_MD_CTX* scratch_context() {
  struct Holder {
    EVP_MD_CTX* ctx = new_context();
    ~Holder() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Holder holder;
  return holder.ctx;
}

constexpr std::size_t kBlockSize = 64;

}  // namespace

Sha256::Sha256() : ctx_(new_context()) {
  init(ctx_);
}
Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_);
}
void Sha256::reset() {
  init(ctx_);
}
void Sha256::update(const void* data, std::size_t size) {
  check(EVP_DigestUpdate(ctx_, data, size), "OpenSSL: digest update");
}
Digest Sha256::finish() {
  Digest out = finish_context(ctx_);
  init(ctx_);
  return out;
}

Digest sha256(std::string_view data) {
  EVP_MD_CTX* ctx = scratch_context();
  init(ctx);
  check(EVP_DigestUpdate(ctx, data.data(), data.size()), "OpenSSL: digest update");
  return finish_context(ctx);
}

HmacSha256Key::HmacSha256Key(std::string_view key) : inner_(new_context()), outer_(new_context()) {
  std::array<unsigned char, kBlockSize> block{};
  if (key.size() > kBlockSize) {
    const Digest hashed = sha256(key);
    std::copy(hashed.begin(), hashed.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<unsigned char, kBlockSize> pad{};
  for (std::size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x36;
  init(inner_);
  check(EVP_DigestUpdate(inner_, pad.data(), pad.size()), "OpenSSL: digest update");
  for (std::size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x5c;
  init(outer_);
  check(EVP_DigestUpdate(outer_, pad.data(), pad.size()), "OpenSSL: digest update");
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
}

HmacSha256Key::~HmacSha256Key() {
  EVP_MD_CTX_free(inner_);
  EVP_MD_CTX_free(outer_);
}

HmacSha256Key::HmacSha256Key(const HmacSha256Key& other)
    : inner_(new_context()), outer_(new_context()) {
  check(EVP_MD_CTX_copy_ex(inner_, other.inner_), "OpenSSL: digest copy");
  check(EVP_MD_CTX_copy_ex(outer_, other.outer_), "OpenSSL: digest copy");
}

HmacSha256Key& HmacSha256Key::operator=(const HmacSha256Key& other) {
  if (this != &other) {
    check(EVP_MD_CTX_copy_ex(inner_, other.inner_), "OpenSSL: digest copy");
    check(EVP_MD_CTX_copy_ex(outer_, other.outer_), "OpenSSL: digest copy");
  }
  return *this;
}

HmacSha256Key::HmacSha256Key(HmacSha256Key&& other) noexcept
    : inner_(std::exchange(other.inner_, nullptr)), outer_(std::exchange(other.outer_, nullptr)) {}

HmacSha256Key& HmacSha256Key::operator=(HmacSha256Key&& other) noexcept {
  std::swap(inner_, other.inner_);
  std::swap(outer_, other.outer_);
  return *this;
}

Digest HmacSha256Key::mac(std::string_view message) const {
  EVP_MD_CTX* ctx = scratch_context();
  check(EVP_MD_CTX_copy_ex(ctx, inner_), "OpenSSL: digest copy");
  check(EVP_DigestUpdate(ctx, message.data(), message.size()), "OpenSSL: digest update");
  const Digest inner_hash = finish_context(ctx);
  check(EVP_MD_CTX_copy_ex(ctx, outer_), "OpenSSL: digest copy");
  check(EVP_DigestUpdate(ctx, inner_hash.data(), inner_hash.size()), "OpenSSL: digest update");
  return finish_context(ctx);
}

Digest hmac_sha256(std::string_view key, std::string_view message) {
  return HmacSha256Key(key).mac(message);
}

void append_hex(std::string& out, const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + size * 2);
  char* dst = out.data() + start;
  for (std::size_t i = 0; i < size; ++i) {
    dst[2 * i] = kDigits[data[i] >> 4];
    dst[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
}

std::string to_hex(const Digest& digest) {
  std::string out;
  append_hex(out, digest);
  return out;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}

bool is_lower_hex_sha256(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(data.data()),
                                      static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=';
    if (!ok) return std::nullopt;
  }
  std::string out(3 * text.size() / 4, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  std::size_t size = static_cast<std::size_t>(written);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace s3storm::sigv4
