#pragma once

// A scenario step turned, once per phase, into what sending it needs: the headers it always sends
// (content type, metadata, storage class) already formatted, and which event
// it should cause. Workers share these read-only.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "events/event_type.hpp"
#include "s3/checksum.hpp"
#include "scenario/model.hpp"
#include "sigv4/canonical_request.hpp"
#include "util/op_kind.hpp"

namespace s3storm::engine {

struct PreparedStep {
  const scenario::Step* step = nullptr;
  std::optional<events::EventKind> notifies;  // the event a success causes, if any
  std::optional<ChecksumAlgorithm> checksum;  // put, multipart
  std::vector<std::pair<std::string, std::string>> header_storage;
  std::vector<sigv4::Header> headers;  // views into header_storage

  explicit PreparedStep(const scenario::Step& source);
  PreparedStep(const PreparedStep&) = delete;  // headers point into header_storage
  PreparedStep& operator=(const PreparedStep&) = delete;
};

struct PreparedPhase {
  const scenario::Phase* phase = nullptr;
  std::vector<std::unique_ptr<PreparedStep>> steps;  // the flow, or the mix's choices
  std::vector<double> cumulative_weights;            // mix only
  int max_parallel_parts = 1;
  std::uint64_t largest_body = 0;  // bytes any single request of the phase may send

  explicit PreparedPhase(const scenario::Phase& source);
  // The mix's choice for a uniform draw in [0, 1).
  std::size_t pick(double uniform01) const;
};

}  // namespace s3storm::engine
