#include "target/byte_range.hpp"

#include <algorithm>
#include <charconv>

#include "target/s3_error.hpp"

namespace s3storm::target {

std::optional<ByteRange> parse_range(std::string_view header, std::uint64_t size) {
  if (header.substr(0, 6) != "bytes=" || header.find(',') != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view spec = header.substr(6);
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view text, std::uint64_t& out) {
    if (text.empty()) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
  };
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  const auto unsatisfiable = [&] {
    return S3Error(ErrorCode::kInvalidRange, "The requested range is not satisfiable")
        .with("RangeRequested", std::string(header))
        .with("ActualObjectSize", std::to_string(size));
  };
  if (first_text.empty()) {  // suffix: the last N bytes
    if (!number(last_text, last)) return std::nullopt;
    if (last == 0 || size == 0) throw unsatisfiable();
    return ByteRange{size - std::min(last, size), size - 1};
  }
  if (!number(first_text, first)) return std::nullopt;
  if (last_text.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else if (!number(last_text, last) || last < first) {
    return std::nullopt;
  }
  if (first >= size) throw unsatisfiable();
  return ByteRange{first, std::min(last, size - 1)};
}

}  // namespace s3storm::target
