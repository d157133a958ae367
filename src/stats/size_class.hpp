#pragma once

// Object-size classes for latency by size: a 1 KiB and a 64 MiB operation in one histogram say
// little about either.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm::stats {

inline constexpr std::size_t kSizeClasses = 5;
// Inclusive upper bounds of the first classes; the last class is everything larger.
inline constexpr std::array<std::uint64_t, kSizeClasses - 1> kSizeClassBounds{
    4ull << 10, 64ull << 10, 1ull << 20, 16ull << 20};
inline constexpr std::array<std::string_view, kSizeClasses> kSizeClassNames{
    "<=4KiB", "<=64KiB", "<=1MiB", "<=16MiB", ">16MiB"};

constexpr std::uint8_t size_class_of(std::uint64_t bytes) {
  std::uint8_t c = 0;
  while (c < kSizeClassBounds.size() && bytes > kSizeClassBounds[c]) ++c;
  return c;
}

constexpr std::optional<std::uint8_t> parse_size_class(std::string_view name) {
  for (std::size_t i = 0; i < kSizeClasses; ++i) {
    if (kSizeClassNames[i] == name) return static_cast<std::uint8_t>(i);
  }
  return std::nullopt;
}

// The spelling of a size class in a threshold metric, where "<=" would read as a comparator:
// "<=4KiB" -> "le_4KiB", ">16MiB" -> "gt_16MiB".
inline std::string size_class_metric_name(std::size_t size_class) {
  const std::string_view name = kSizeClassNames[size_class];
  if (name.substr(0, 2) == "<=") return "le_" + std::string(name.substr(2));
  return "gt_" + std::string(name.substr(1));
}

}  // namespace s3storm::stats
