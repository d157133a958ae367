#pragma once

#include <cstdint>
#include <string_view>

namespace s3storm::events {

// The notification kinds our load causes. Anything else a server sends is `kOther` and keeps its
// name elsewhere, so a surprising kind is reported under its own name rather than lost.
enum class EventKind : std::uint8_t {
  kObjectCreatedPut,
  kObjectCreatedCopy,
  kObjectCreatedPost,
  kObjectCreatedCompleteMultipartUpload,
  kObjectRemovedDelete,
  kObjectRemovedDeleteMarkerCreated,
  kObjectTaggingPut,
  kObjectTaggingDelete,
  kOther,
};

inline constexpr std::size_t kKnownEventKinds = 8;

// Servers disagree on whether the name carries the "s3:" prefix; reports never show it.
std::string_view strip_s3_prefix(std::string_view name);

// Maps a name with or without "s3:" to its kind; unknown names give kOther.
EventKind event_kind_from_name(std::string_view name);

// The reported name, e.g. "ObjectCreated:Put"; "Other" for kOther.
std::string_view event_kind_name(EventKind kind);

}  // namespace s3storm::events
