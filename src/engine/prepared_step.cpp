#include "engine/prepared_step.hpp"

#include <algorithm>

#include "s3/requests.hpp"

namespace s3storm::engine {

namespace {

std::optional<events::EventKind> notification_of(const scenario::Step& step) {
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

}  // namespace

PreparedStep::PreparedStep(const scenario::Step& source)
    : step(&source), notifies(notification_of(source)), checksum(source.checksum) {
  const bool writes =
      source.op == OpKind::kPut || source.op == OpKind::kCopy || source.op == OpKind::kMultipart;
  if (writes) {
    s3::append_object_headers(
        {.content_type = source.content_type,
         .metadata = &source.metadata,
         .storage_class = source.storage_class,
         .replace_metadata = source.op == OpKind::kCopy && !source.metadata.empty()},
        header_storage);
  }
  for (const auto& [name, value] : header_storage) headers.push_back({name, value});
}

PreparedPhase::PreparedPhase(const scenario::Phase& source) : phase(&source) {
  double running = 0;
  auto add = [this](const scenario::Step& step) {
    steps.push_back(std::make_unique<PreparedStep>(step));
    if (step.op == OpKind::kMultipart) {
      max_parallel_parts = std::max(max_parallel_parts, step.parallel_parts);
      largest_body = std::max(largest_body, std::min(step.part_size, step.size.max()));
    } else if (step.op == OpKind::kPut || step.op == OpKind::kPost) {
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
