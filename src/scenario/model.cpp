#include "scenario/model.hpp"

namespace s3storm::scenario {

const char* to_string(Payload payload) {
  switch (payload) {
    case Payload::kSignedPayload:
      return "signed";
    case Payload::kUnsignedPayload:
      return "unsigned";
    case Payload::kStreaming:
      return "streaming";
    case Payload::kStreamingTrailer:
      return "streaming-trailer";
    case Payload::kUnsignedTrailer:
      return "unsigned-trailer";
  }
  return "?";
}

const char* to_string(Comparator c) {
  switch (c) {
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
    case Comparator::kEq:
      return "==";
    case Comparator::kNe:
      return "!=";
  }
  return "?";
}

std::vector<std::vector<std::size_t>> phase_groups(const std::vector<Phase>& phases) {
  // The loader has checked that each `with:` names a phase of the group just before it.
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    if (phases[i].with.empty() || groups.empty()) groups.emplace_back();
    groups.back().push_back(i);
  }
  return groups;
}

}  // namespace s3storm::scenario
