#include "events/fingerprint.hpp"

#include <functional>

namespace s3storm::events {

namespace {

// A strong 64-bit finaliser: every input bit affects every output bit, so combining two good
// hashes through it keeps collisions at the birthday bound.
std::uint64_t mix(std::uint64_t value) {
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ULL;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebULL;
  value ^= value >> 31;
  return value;
}

std::uint64_t hash_text(std::string_view text) {
  return std::hash<std::string_view>{}(text);
}

std::uint64_t with_type_tag(std::string_view bucket, std::string_view key, std::uint64_t type_tag) {
  // Lengths go in too, so ("ab","c") and ("a","bc") differ even before hashing the text.
  std::uint64_t value = mix(hash_text(bucket) ^ (bucket.size() << 48));
  value = mix(value ^ hash_text(key) ^ (key.size() * 0x9e3779b97f4a7c15ULL));
  return mix(value ^ type_tag);
}

}  // namespace

Fingerprint fingerprint(std::string_view bucket, std::string_view key, EventKind kind,
                        std::string_view other_name) {
  const std::uint64_t type_tag =
      kind == EventKind::kOther ? hash_text(other_name) : static_cast<std::uint64_t>(kind) + 1;
  return with_type_tag(bucket, key, type_tag);
}

Fingerprint key_fingerprint(std::string_view bucket, std::string_view key) {
  return with_type_tag(bucket, key, 0);  // known kinds tag from 1
}

}  // namespace s3storm::events
