#pragma once

// What an object's bytes are, so a read can check them without a copy kept anywhere.
//
// `content: random`: every object has its own bytes, a counter-mode stream of the splitmix64
// finalizer keyed by the run's seed and the object's key. Byte n of the object is byte n % 8
// (little-endian) of mix(object_seed + (n / 8 + 1) * 0x9e3779b97f4a7c15), so any window of it
// can be produced or checked on its own (a range read) at several GB/s. A store that deduplicates
// or compresses finds nothing to gain, and a read of another object's bytes is caught.
// `content: repeat`: every body is a prefix of the run's shared s3::Payload buffer.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "http/message.hpp"
#include "s3/random_fill.hpp"
#include "sigv4/crypto.hpp"

namespace s3storm::s3 {

// The seed of one object's bytes under `content: random`.
std::uint64_t random_content_seed(std::uint64_t run_seed, std::string_view key);
// Writes bytes [offset, offset + out.size()) of the object with that seed.
void fill_random_content(std::uint64_t object_seed, std::uint64_t offset, std::span<char> out);
// The same, and the bytes fed to `hash` a cache-sized piece at a time as they are written (a
// signed upload's body: one pass over memory, not a fill and then a hash reading it all back).
void fill_random_content(std::uint64_t object_seed, std::uint64_t offset, std::span<char> out,
                         sigv4::Sha256& hash);
// An upload's body: fills `out`, and when `sha256_hex` is given (a payload signed by its hash)
// hashes it as above and spells the digest there. Returns the digest's digits, or empty.
std::string_view fill_random_body(std::uint64_t object_seed, std::uint64_t offset,
                                  std::span<char> out, std::array<char, 64>* sha256_hex);
// The same bytes by one given implementation (tests and benchmarks compare them).
void fill_random_content(FillPath path, std::uint64_t object_seed, std::uint64_t offset,
                         std::span<char> out);

// Checks a response body against what the object holds, as it streams past (http::BodyObserver),
// for a get with `verify: true`. Only a 2xx answer's body is checked; each attempt starts over.
class ContentCheck final : public http::BodyObserver {
 public:
  // The body should be the object's bytes from `start` on, `length` of them when known.
  // Random content: the object's seed.
  void expect_random(std::uint64_t object_seed, std::uint64_t start,
                     std::optional<std::uint64_t> length);
  // Repeat content: the bytes of the object are a prefix of `pattern`, or with a `period` (a
  // multipart object: each part is a prefix of it) that prefix over and over.
  void expect_repeat(std::string_view pattern, std::uint64_t start,
                     std::optional<std::uint64_t> length, std::uint64_t period = 0);

  void on_response(unsigned status) override;
  void on_body(std::uint64_t offset, std::string_view bytes) override;

  // After the answer: whether the body was the expected bytes (and, when known, all of them).
  bool matched(std::uint64_t body_bytes) const;

 private:
  bool random_ = false;
  std::uint64_t seed_ = 0;
  std::string_view pattern_;
  std::uint64_t period_ = 0;
  std::uint64_t start_ = 0;
  std::optional<std::uint64_t> length_;
  bool checking_ = false;
  bool mismatch_ = false;
};

}  // namespace s3storm::s3
