#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace s3storm {

// The operations a scenario step names and the load engine counts. A multipart upload is counted
// once as a whole (`multipart`) and each of its part uploads again under `multipart_part`, which
// is therefore never a step of its own (the scenario loader has no name for it). One enum for
// both, so a step's kind is what it is counted as.
enum class OpKind : std::uint8_t {
  kPut,
  kCopy,
  kDelete,
  kPost,
  kMultipart,
  kMultipartPart,
  kGet,
  kHead,
  kList,
  kDeleteObjects
};

inline constexpr std::size_t kOpKinds = 10;

inline constexpr std::array<std::string_view, kOpKinds> kOpNames{
    "put", "copy", "delete", "post",          "multipart", "multipart_part",
    "get", "head", "list",   "delete_objects"};

constexpr std::string_view op_name(OpKind kind) {
  return kOpNames[static_cast<std::size_t>(kind)];
}

constexpr std::optional<OpKind> parse_op_kind(std::string_view name) {
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    if (kOpNames[i] == name) return static_cast<OpKind>(i);
  }
  return std::nullopt;
}

}  // namespace s3storm
