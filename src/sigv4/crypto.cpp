// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but they stay in 3.x
// and are what EVP's own SHA-256 provider calls; see crypto.hpp for why we call them directly.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sigv4/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "util/hex.hpp"

namespace s3storm::sigv4 {
namespace {

static_assert(sizeof(SHA256_CTX) == sizeof(Sha256State::bytes));
static_assert(alignof(SHA256_CTX) <= alignof(Sha256State));
static_assert(std::is_trivially_copyable_v<SHA256_CTX>);

SHA256_CTX* ctx(Sha256State& state) {
  return std::launder(reinterpret_cast<SHA256_CTX*>(state.bytes));
}

void init(Sha256State& state) {
  SHA256_Init(new (state.bytes) SHA256_CTX);
}

void update(Sha256State& state, const void* data, std::size_t size) {
  SHA256_Update(ctx(state), data, size);
}

Digest finish(Sha256State& state) {
  Digest out{};
  SHA256_Final(out.data(), ctx(state));
  return out;
}

constexpr std::size_t kBlockSize = 64;

}  // namespace

Sha256::Sha256() {
  init(state_);
}
Sha256::~Sha256() {
  OPENSSL_cleanse(state_.bytes, sizeof(state_.bytes));
}
void Sha256::reset() {
  init(state_);
}
void Sha256::update(const void* data, std::size_t size) {
  sigv4::update(state_, data, size);
}
Digest Sha256::finish() {
  Digest out = sigv4::finish(state_);
  init(state_);
  return out;
}

// Not OpenSSL's one-shot SHA256(): in OpenSSL 3 it fetches the algorithm by name and allocates
// a context on every call, which cost as much as hashing the canonical request itself.
Digest sha256(std::string_view data) {
  Sha256State state;
  init(state);
  sigv4::update(state, data.data(), data.size());
  return sigv4::finish(state);
}

HmacSha256Key::HmacSha256Key(std::string_view key) {
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
  sigv4::update(inner_, pad.data(), pad.size());
  for (std::size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x5c;
  init(outer_);
  sigv4::update(outer_, pad.data(), pad.size());
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
}

// The padded key states are as secret as the key: wiped, not just dropped.
HmacSha256Key::~HmacSha256Key() {
  OPENSSL_cleanse(inner_.bytes, sizeof(inner_.bytes));
  OPENSSL_cleanse(outer_.bytes, sizeof(outer_.bytes));
}

HmacSha256Key::HmacSha256Key(const HmacSha256Key& other) = default;
HmacSha256Key& HmacSha256Key::operator=(const HmacSha256Key& other) = default;
HmacSha256Key::HmacSha256Key(HmacSha256Key&& other) noexcept = default;
HmacSha256Key& HmacSha256Key::operator=(HmacSha256Key&& other) noexcept = default;

Digest HmacSha256Key::mac(std::string_view message) const {
  return mac_parts({message});
}

Digest HmacSha256Key::mac_parts(std::initializer_list<std::string_view> parts) const {
  Sha256State state = inner_;
  for (const std::string_view part : parts) sigv4::update(state, part.data(), part.size());
  const Digest inner_hash = sigv4::finish(state);
  state = outer_;
  sigv4::update(state, inner_hash.data(), inner_hash.size());
  Digest out = sigv4::finish(state);
  OPENSSL_cleanse(state.bytes, sizeof(state.bytes));
  return out;
}

HmacSha256Key HmacSha256Key::with_message_prefix(std::string_view prefix) const {
  HmacSha256Key out(*this);
  sigv4::update(out.inner_, prefix.data(), prefix.size());
  return out;
}

bool HmacSha256Key::same_key(const HmacSha256Key& other) const {
  // SHA256_Init clears the whole state, so equal keys have equal bytes, unused ones included.
  return std::memcmp(inner_.bytes, other.inner_.bytes, sizeof(inner_.bytes)) == 0 &&
         std::memcmp(outer_.bytes, other.outer_.bytes, sizeof(outer_.bytes)) == 0;
}

Digest hmac_sha256(std::string_view key, std::string_view message) {
  return HmacSha256Key(key).mac(message);
}

Sha1Digest hmac_sha1(std::string_view key, std::string_view message) {
  Sha1Digest out{};
  unsigned int size = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
           &size) == nullptr ||
      size != out.size()) {
    throw std::runtime_error("OpenSSL HMAC-SHA1 failed");
  }
  return out;
}

struct Sha1::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(md); }
};

Sha1::Sha1() : context_(std::make_unique<Context>()) {
  if (!context_->md || EVP_DigestInit_ex(context_->md, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-1 init failed");
  }
}

Sha1::~Sha1() = default;

void Sha1::update(std::string_view data) {
  if (EVP_DigestUpdate(context_->md, data.data(), data.size()) != 1) {
    throw std::runtime_error("OpenSSL SHA-1 update failed");
  }
}

Sha1Digest Sha1::finish() {
  Sha1Digest out{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->md, out.data(), &length) != 1 || length != out.size()) {
    throw std::runtime_error("OpenSSL SHA-1 final failed");
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  return hex::encode(sha256(data));
}

bool is_lower_hex_sha256(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), hex::is_lower_digit);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Differences ORed together eight bytes at a time, with no exit before the end: as
  // independent of where the inputs differ as CRYPTO_memcmp, which goes a byte per step.
  std::uint64_t difference = 0;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t word_a;
    std::uint64_t word_b;
    std::memcpy(&word_a, a.data() + i, sizeof(word_a));
    std::memcpy(&word_b, b.data() + i, sizeof(word_b));
    difference |= word_a ^ word_b;
  }
  for (; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
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
