#include "target/crypto.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace s3storm::target {

namespace {

template <std::size_t N>
std::array<std::uint8_t, N> digest(const EVP_MD* md, std::string_view data) {
  std::array<std::uint8_t, N> out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1 || length != N) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  return out;
}

}  // namespace

Md5Digest md5(std::string_view data) {
  return digest<16>(EVP_md5(), data);
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

}  // namespace s3storm::target
