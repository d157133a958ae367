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

}  // namespace s3storm::target
