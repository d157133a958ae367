#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace s3storm::target {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// One "bytes=" range as S3 honours it for an object of `size` bytes. nullopt means "send the
// whole object" (an unparsable or multi-range header, which HTTP lets a server ignore); throws
// S3Error(InvalidRange) when the range is unsatisfiable.
std::optional<ByteRange> parse_range(std::string_view header, std::uint64_t size);

}  // namespace s3storm::target
