#include "scenario/model.hpp"

namespace s3storm::scenario {

const char* to_string(OpKind op) {
  switch (op) {
    case OpKind::kPut:
      return "put";
    case OpKind::kCopy:
      return "copy";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kPost:
      return "post";
    case OpKind::kMultipart:
      return "multipart";
    case OpKind::kGet:
      return "get";
    case OpKind::kHead:
      return "head";
    case OpKind::kList:
      return "list";
    case OpKind::kDeleteObjects:
      return "delete_objects";
  }
  return "?";
}

const char* to_string(Payload payload) {
  switch (payload) {
    case Payload::signed_payload:
      return "signed";
    case Payload::unsigned_payload:
      return "unsigned";
    case Payload::streaming:
      return "streaming";
    case Payload::streaming_trailer:
      return "streaming-trailer";
    case Payload::unsigned_trailer:
      return "unsigned-trailer";
  }
  return "?";
}

const char* to_string(Checksum checksum) {
  switch (checksum) {
    case Checksum::none:
      return "none";
    case Checksum::crc32:
      return "crc32";
    case Checksum::crc32c:
      return "crc32c";
    case Checksum::crc64nvme:
      return "crc64nvme";
    case Checksum::sha1:
      return "sha1";
    case Checksum::sha256:
      return "sha256";
  }
  return "?";
}

const char* to_string(Comparator c) {
  switch (c) {
    case Comparator::lt:
      return "<";
    case Comparator::le:
      return "<=";
    case Comparator::gt:
      return ">";
    case Comparator::ge:
      return ">=";
    case Comparator::eq:
      return "==";
    case Comparator::ne:
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
