#include "stats/op_stats.hpp"

#include <algorithm>

#include "stats/relaxed.hpp"
#include "stats/size_class.hpp"

namespace s3storm::stats {

void OpStats::record(const OpOutcome& outcome) {
  add_relaxed(retries, outcome.retries);
  if (outcome.ok) {
    add_relaxed(ok, 1);
    add_relaxed(bytes, outcome.bytes);
  } else {
    add_relaxed(errors, 1);
    if (!outcome.error_code.empty()) {
      auto it = errors_by_code.find(outcome.error_code);
      if (it == errors_by_code.end()) {
        it = errors_by_code.emplace(std::string(outcome.error_code), 0).first;
      }
      ++it->second;
    }
    ++errors_by_status[outcome.http_status];
  }
  latency.record(outcome.latency_us);
  service.record(outcome.service_us);
  if (outcome.has_ttfb) ttfb.record(outcome.ttfb_us);
  if (outcome.sized)
    latency_by_size[size_class_of(outcome.object_bytes)].record(outcome.latency_us);
  per_second.record(outcome.epoch_second, outcome.ok, outcome.ok ? outcome.bytes : 0,
                    outcome.latency_us);
  // Last, so a live reader sees count >= ok + errors only briefly short of it, never beyond.
  add_relaxed(count, 1);
}

void OpStats::allocate_histograms() {
  latency.allocate();
  service.allocate();
  ttfb.allocate();
}

void OpStats::add_live(const OpStats& other, bool with_latency, bool with_ttfb) noexcept {
  const std::uint64_t other_count = load_relaxed(other.count);
  if (other_count == 0) return;
  count += other_count;
  ok += std::min(load_relaxed(other.ok), other_count);
  errors += std::min(load_relaxed(other.errors), other_count);
  retries += load_relaxed(other.retries);
  bytes += load_relaxed(other.bytes);
  if (with_latency) latency.add_live(other.latency);
  if (with_ttfb) ttfb.add_live(other.ttfb);
}

void OpStats::merge(const OpStats& other) {
  count += other.count;
  ok += other.ok;
  errors += other.errors;
  retries += other.retries;
  bytes += other.bytes;
  latency.merge(other.latency);
  service.merge(other.service);
  ttfb.merge(other.ttfb);
  for (const auto& [size_class, histogram] : other.latency_by_size) {
    latency_by_size[size_class].merge(histogram);
  }
  for (const auto& [code, n] : other.errors_by_code) errors_by_code[code] += n;
  for (const auto& [status, n] : other.errors_by_status) errors_by_status[status] += n;
  per_second.merge(other.per_second);
}

void EndpointStats::add_up_kinds() {
  all = OpStats();
  // A multipart upload counts once, as itself (its parts are not recorded per endpoint).
  for (std::size_t k = 0; k < kOpKinds; ++k) {
    if (static_cast<OpKind>(k) != OpKind::kMultipartPart) all.merge(ops[k]);
  }
}

void PhaseStats::note_open_upload(std::string upload) {
  ++uploads_left_open;
  if (open_uploads.size() < kMaxOpenUploads) open_uploads.push_back(std::move(upload));
}

void PhaseStats::merge(const PhaseStats& other) {
  if (started_epoch_s > 0 && other.started_epoch_s > 0) {
    const double end =
        std::max(started_epoch_s + duration_s, other.started_epoch_s + other.duration_s);
    started_epoch_s = std::min(started_epoch_s, other.started_epoch_s);
    duration_s = end - started_epoch_s;
  } else {
    if (started_epoch_s == 0) started_epoch_s = other.started_epoch_s;
    duration_s = std::max(duration_s, other.duration_s);
  }
  dropped += other.dropped;
  uploads_left_open += other.uploads_left_open;
  for (const auto& upload : other.open_uploads) {
    if (open_uploads.size() < kMaxOpenUploads) open_uploads.push_back(upload);
  }
  for (std::size_t i = 0; i < kOpKinds; ++i) ops[i].merge(other.ops[i]);
  if (endpoints.size() < other.endpoints.size()) endpoints.resize(other.endpoints.size());
  for (std::size_t i = 0; i < other.endpoints.size(); ++i) {
    if (endpoints[i].url.empty()) endpoints[i].url = other.endpoints[i].url;
    endpoints[i].all.merge(other.endpoints[i].all);
    for (std::size_t k = 0; k < kOpKinds; ++k) endpoints[i].ops[k].merge(other.endpoints[i].ops[k]);
  }
}

}  // namespace s3storm::stats
