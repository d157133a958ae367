#include "events/match_summary.hpp"

namespace s3storm::events {

namespace {

template <typename Field>
std::uint64_t total(const std::vector<EventTypeSummary>& types, Field field) {
  std::uint64_t sum = 0;
  for (const auto& type : types) sum += type.*field;
  return sum;
}

}  // namespace

std::string_view content_field_name(ContentField field) {
  switch (field) {
    case ContentField::kSize:
      return "size";
    case ContentField::kEtag:
      return "eTag";
    case ContentField::kVersionId:
      return "versionId";
    case ContentField::kEventTime:
      return "eventTime";
    case ContentField::kFields:
      return "fields";
  }
  return "?";
}

std::uint64_t MatchSummary::total_expected() const {
  return total(types, &EventTypeSummary::expected);
}
std::uint64_t MatchSummary::total_delivered() const {
  return total(types, &EventTypeSummary::delivered);
}
std::uint64_t MatchSummary::total_missing() const {
  return total(types, &EventTypeSummary::missing);
}
std::uint64_t MatchSummary::total_duplicate() const {
  return total(types, &EventTypeSummary::duplicate);
}
std::uint64_t MatchSummary::total_unexpected() const {
  return total(types, &EventTypeSummary::unexpected);
}

const EventTypeSummary* MatchSummary::find(std::string_view name) const {
  for (const auto& type : types) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

}  // namespace s3storm::events
