#include "stats/op_stats.hpp"

#include <algorithm>

namespace s3storm::stats {

void OpStats::record(const OpOutcome& outcome) {
  ++count;
  retries += outcome.retries;
  if (outcome.ok) {
    ++ok;
    bytes += outcome.bytes;
  } else {
    ++errors;
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
  per_second.record(outcome.epoch_second, outcome.ok, outcome.ok ? outcome.bytes : 0,
                    outcome.latency_us);
}

void OpStats::merge(const OpStats& other) {
  count += other.count;
  ok += other.ok;
  errors += other.errors;
  retries += other.retries;
  bytes += other.bytes;
  latency.merge(other.latency);
  service.merge(other.service);
  for (const auto& [code, n] : other.errors_by_code) errors_by_code[code] += n;
  for (const auto& [status, n] : other.errors_by_status) errors_by_status[status] += n;
  per_second.merge(other.per_second);
}

void PhaseStats::note_open_upload(std::string upload) {
  ++uploads_left_open;
  if (open_uploads.size() < kMaxOpenUploads) open_uploads.push_back(std::move(upload));
}

void PhaseStats::merge(const PhaseStats& other) {
  duration_s = std::max(duration_s, other.duration_s);
  dropped += other.dropped;
  uploads_left_open += other.uploads_left_open;
  for (const auto& upload : other.open_uploads) {
    if (open_uploads.size() < kMaxOpenUploads) open_uploads.push_back(upload);
  }
  for (std::size_t i = 0; i < kOpKinds; ++i) ops[i].merge(other.ops[i]);
}

}  // namespace s3storm::stats
