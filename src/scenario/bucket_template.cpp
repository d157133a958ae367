#include "scenario/bucket_template.hpp"

#include <stdexcept>

#include "scenario/key_template.hpp"
#include "scenario/sections.hpp"
#include "util/hex.hpp"
#include "util/rng.hpp"

namespace s3storm::scenario {

namespace {

void append_digits(std::string& out, std::uint64_t hash, unsigned width) {
  for (unsigned d = 0; d < width; ++d) out += hex::kLowerDigits[(hash >> (60 - 4 * d)) & 0xf];
}

std::size_t bucket_count(unsigned width) {
  std::size_t count = 1;
  for (unsigned d = 0; d < width && count <= kMaxSpreadBuckets; ++d) count *= 16;
  return count;
}

}  // namespace

bool is_bucket_template(std::string_view text) {
  return text.find('{') != std::string_view::npos || text.find('}') != std::string_view::npos;
}

void BucketSpread::bucket_of(std::string_view key, std::string& out) const {
  out.assign(before);
  append_digits(out, text_hash(key), width);
  out += after;
}

bool BucketSpread::could_produce(std::string_view bucket) const {
  if (!active()) return bucket == before;
  if (bucket.size() != before.size() + width + after.size() || !bucket.starts_with(before) ||
      !bucket.ends_with(after)) {
    return false;
  }
  const auto digits = bucket.substr(before.size(), width);
  return digits.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::vector<std::string> BucketSpread::names() const {
  if (!active()) return {before};
  std::vector<std::string> out;
  const std::size_t count = bucket_count(width);
  out.reserve(count);
  for (std::uint64_t value = 0; value < count; ++value) {
    std::string name = before;
    // The digits of `value`, placed where a hash's first `width` digits go.
    append_digits(name, value << (64 - 4 * width), width);
    name += after;
    out.push_back(std::move(name));
  }
  return out;
}

std::string BucketSpread::text() const {
  if (!active()) return before;
  return before + "{hash:" + std::to_string(width) + "}" + after;
}

BucketSpread compile_bucket_template(std::string_view text, std::string_view phase) {
  const KeyTemplate compiled = KeyTemplate::compile(text);
  BucketSpread spread;
  for (const auto& token : compiled.tokens()) {
    std::string& part = spread.active() ? spread.after : spread.before;
    switch (token.kind) {
      case KeyTemplate::Kind::kLiteral:
        part += token.text;
        break;
      case KeyTemplate::Kind::kPhase:
        if (phase.empty()) {
          throw std::invalid_argument(
              "'{phase}' in a bucket needs a phase: use it in a phase's "
              "or a step's bucket, or target.bucket");
        }
        part += phase;
        break;
      case KeyTemplate::Kind::kHash:
        if (bucket_count(token.width) > kMaxSpreadBuckets) {
          throw std::invalid_argument("bucket template '" + std::string(text) + "' makes 16^" +
                                      std::to_string(token.width) + " buckets; at most " +
                                      std::to_string(kMaxSpreadBuckets) +
                                      " ({hash:1}: 16, {hash:2}: 256)");
        }
        spread.width = token.width;
        break;
      default:
        throw std::invalid_argument(
            "bucket template '" + std::string(text) +
            "' may use only {hash:N} (the key's bucket) and {phase}: other variables would make "
            "a key's bucket unknown to a later read, or the buckets too many for setup to create");
    }
  }
  for (const auto& name : spread.names()) {
    if (!detail::valid_bucket_name(name)) {
      throw std::invalid_argument("bucket template '" + std::string(text) + "' makes '" + name +
                                  "', not a valid S3 bucket name: use 3 to 63 characters of a-z, "
                                  "0-9, '.' and '-', starting and ending with a letter or digit");
    }
  }
  return spread;
}

}  // namespace s3storm::scenario
