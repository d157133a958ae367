#include "engine/prepared_step.hpp"

#include <algorithm>

#include "s3/requests.hpp"

namespace s3storm::engine {

stats::OpKind counted_as(scenario::OpKind op) {
  using scenario::OpKind;
  switch (op) {
    case OpKind::kPut:
      return stats::OpKind::kPut;
    case OpKind::kCopy:
      return stats::OpKind::kCopy;
    case OpKind::kDelete:
      return stats::OpKind::kDelete;
    case OpKind::kPost:
      return stats::OpKind::kPost;
    case OpKind::kMultipart:
      return stats::OpKind::kMultipart;
    case OpKind::kGet:
      return stats::OpKind::kGet;
    case OpKind::kHead:
      return stats::OpKind::kHead;
    case OpKind::kList:
      return stats::OpKind::kList;
    case OpKind::kDeleteObjects:
      return stats::OpKind::kDeleteObjects;
  }
  return stats::OpKind::kPut;
}

namespace {

std::optional<events::EventKind> notification_of(const scenario::Step& step) {
  using scenario::OpKind;
  switch (step.op) {
    case OpKind::kPut:
      return events::EventKind::kObjectCreatedPut;
    case OpKind::kCopy:
      return events::EventKind::kObjectCreatedCopy;
    case OpKind::kPost:
      return events::EventKind::kObjectCreatedPost;
    case OpKind::kMultipart:
      if (step.abort) return std::nullopt;
      return events::EventKind::kObjectCreatedCompleteMultipartUpload;
    case OpKind::kDelete:
    case OpKind::kDeleteObjects:  // one per key it deleted
      return events::EventKind::kObjectRemovedDelete;
    default:
      return std::nullopt;
  }
}

std::optional<s3::ChecksumAlgorithm> algorithm_of(scenario::Checksum checksum) {
  switch (checksum) {
    case scenario::Checksum::none:
      return std::nullopt;
    case scenario::Checksum::crc32:
      return s3::ChecksumAlgorithm::kCrc32;
    case scenario::Checksum::crc32c:
      return s3::ChecksumAlgorithm::kCrc32c;
    case scenario::Checksum::crc64nvme:
      return s3::ChecksumAlgorithm::kCrc64Nvme;
    case scenario::Checksum::sha1:
      return s3::ChecksumAlgorithm::kSha1;
    case scenario::Checksum::sha256:
      return s3::ChecksumAlgorithm::kSha256;
  }
  return std::nullopt;
}

}  // namespace

PreparedStep::PreparedStep(const scenario::Step& source)
    : step(&source),
      counted_as(engine::counted_as(source.op)),
      notifies(notification_of(source)),
      checksum(algorithm_of(source.checksum)) {
  const bool writes = source.op == scenario::OpKind::kPut || source.op == scenario::OpKind::kCopy ||
                      source.op == scenario::OpKind::kMultipart;
  if (writes) {
    s3::append_object_headers(
        {.content_type = source.content_type,
         .metadata = &source.metadata,
         .storage_class = source.storage_class,
         .replace_metadata = source.op == scenario::OpKind::kCopy && !source.metadata.empty()},
        header_storage);
  }
  for (const auto& [name, value] : header_storage) headers.push_back({name, value});
}

PreparedPhase::PreparedPhase(const scenario::Phase& source) : phase(&source) {
  double running = 0;
  auto add = [this](const scenario::Step& step) {
    steps.push_back(std::make_unique<PreparedStep>(step));
    if (step.op == scenario::OpKind::kMultipart) {
      max_parallel_parts = std::max(max_parallel_parts, step.parallel_parts);
      largest_body = std::max(largest_body, std::min(step.part_size, step.size.max()));
    } else if (step.op == scenario::OpKind::kPut || step.op == scenario::OpKind::kPost) {
      largest_body = std::max(largest_body, step.size.max());
    }
  };
  if (source.is_mix) {
    for (const auto& weighted : source.mix) {
      add(weighted.step);
      running += weighted.weight;
      cumulative_weights.push_back(running);
    }
  } else {
    for (const auto& step : source.flow) add(step);
  }
}

std::size_t PreparedPhase::pick(double uniform01) const {
  const double wanted = uniform01 * cumulative_weights.back();
  const auto it = std::upper_bound(cumulative_weights.begin(), cumulative_weights.end(), wanted);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative_weights.begin()),
                               cumulative_weights.size() - 1);
}

}  // namespace s3storm::engine
