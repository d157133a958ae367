#include "events/event_type.hpp"

#include <array>

namespace s3storm::events {

namespace {

constexpr std::array<std::string_view, kKnownEventKinds> kKnownNames{
    "ObjectCreated:Put",    "ObjectCreated:Copy",
    "ObjectCreated:Post",   "ObjectCreated:CompleteMultipartUpload",
    "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated",
    "ObjectTagging:Put",    "ObjectTagging:Delete",
};

}  // namespace

std::string_view strip_s3_prefix(std::string_view name) {
  constexpr std::string_view kPrefix = "s3:";
  if (name.substr(0, kPrefix.size()) == kPrefix) name.remove_prefix(kPrefix.size());
  return name;
}

EventKind event_kind_from_name(std::string_view name) {
  const auto stripped = strip_s3_prefix(name);
  for (std::size_t i = 0; i < kKnownNames.size(); ++i) {
    if (kKnownNames[i] == stripped) return static_cast<EventKind>(i);
  }
  return EventKind::kOther;
}

std::string_view event_kind_name(EventKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  return index < kKnownNames.size() ? kKnownNames[index] : std::string_view("Other");
}

}  // namespace s3storm::events
