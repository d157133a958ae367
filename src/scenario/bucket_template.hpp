#pragma once

// A bucket name that spreads the load over several buckets: in `load-{hash:N}` the N hex digits
// are the first N of the object key's hash, so each key has one bucket, the same for the step
// that writes it and for a later step (or phase) that reads it, and setup knows every bucket the
// template can produce (16^N of them, at most kMaxSpreadBuckets).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace s3storm::scenario {

inline constexpr std::size_t kMaxSpreadBuckets = 1000;

struct BucketSpread {
  std::string before;  // the name's text before and after the hash digits
  std::string after;
  unsigned width = 0;  // hex digits; 0: one bucket, `before`

  bool active() const { return width > 0; }
  // The bucket `key` goes to, into out (replaced; no allocation once out has grown).
  void bucket_of(std::string_view key, std::string& out) const;
  // Whether `bucket` is one of names() (without making them).
  bool could_produce(std::string_view bucket) const;
  // Every bucket the template can produce, in the order of their digits.
  std::vector<std::string> names() const;
  // The template as written, {phase} replaced: "load-{hash:1}", or the one name.
  std::string text() const;
};

// Whether a bucket as written is a template: a '{' cannot be part of a bucket name.
bool is_bucket_template(std::string_view text);

// Compiles a bucket template. It may use {hash:N} once (N from 1 to 2: 16 or 256 buckets) and
// {phase} (replaced by `phase`; refused where there is no phase, when `phase` is empty); every
// other key-template variable is refused, as nothing else keeps a key's bucket known to a reader
// or the set of buckets finite. Every name it can produce must be a valid S3 bucket name. Throws
// std::invalid_argument with a message fit for a diagnostic.
BucketSpread compile_bucket_template(std::string_view text, std::string_view phase);

}  // namespace s3storm::scenario
