#pragma once

// What the target needs beyond SigV4 (which sigv4/ provides): MD5 for ETags and Content-MD5,
// SHA-1 for x-amz-checksum-sha1.

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

namespace s3storm::target {

using Md5Digest = std::array<std::uint8_t, 16>;
using Sha1Digest = std::array<std::uint8_t, 20>;

Md5Digest md5(std::string_view data);

// Incremental SHA-1, for bodies checksummed as they are decoded.
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

}  // namespace s3storm::target
