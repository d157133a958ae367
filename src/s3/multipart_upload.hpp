#pragma once

// A whole multipart upload as one operation: CreateMultipartUpload, the parts (several in flight),
// then CompleteMultipartUpload with the part list, or AbortMultipartUpload when a part fails, when
// the scenario asks for an abort, or when the run is stopping, so no upload is left open.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s3/exchange.hpp"
#include "s3/xml_requests.hpp"
#include "util/bulk_buffer.hpp"

namespace s3storm::s3 {

struct MultipartSpec {
  std::string_view bucket{};
  std::string_view key{};
  std::uint64_t size = 0;
  std::uint64_t part_size = 0;
  std::span<const sigv4::Header> create_headers{};  // content type, metadata, storage class
  bool abort_instead_of_complete = false;
  // Each part's checksum (S3's COMPOSITE type), announced by x-amz-checksum-algorithm at create.
  std::optional<ChecksumAlgorithm> checksum{};
  // `content: random`: the object's seed (random_content_seed); each part carries the object's
  // bytes at its offset, so the whole object reads back as one random object of that key. None:
  // each part is a prefix of the session's shared payload.
  std::optional<std::uint64_t> random_content_seed{};
};

struct MultipartResult {
  bool ok = false;
  bool aborted = false;  // the upload was aborted (asked for, or after a failure)
  // An abort it needed failed or went unanswered (a frozen or unreachable server): the upload,
  // upload_id, may still be open there, holding its parts, and the run must say so.
  bool left_open = false;
  std::string upload_id;
  unsigned status = 0;     // of the request that decided the outcome
  std::string error_code;  // of the first failure
  int retries = 0;         // over every request of the upload
  http::Clock::time_point sent;
  http::Clock::time_point complete;
  std::string etag;         // of the completed object
  std::string version_id;   // of the completed object, on a versioned bucket
  std::uint64_t bytes = 0;  // part bytes accepted
};

class MultipartUpload {
 public:
  // Each part's reply as it completes, for per-part statistics.
  using PartDone = std::function<void(const Reply& reply, std::uint64_t part_bytes)>;
  using Done = std::function<void(const MultipartResult&)>;

  MultipartUpload(Session& session, int parallel_parts);

  // The spec's views must stay valid until `done` runs.
  void start(const MultipartSpec& spec, PartDone part_done, Done done);

  // Start no more parts; abort the upload once the parts in flight are back.
  void request_stop();
  const std::string& upload_id() const { return upload_id_; }

 private:
  void on_created(Reply& reply);
  void send_parts();
  void on_part(std::size_t slot, int part_number, std::uint64_t bytes, Reply& reply);
  void complete();
  void abort();
  void finish(Reply& last, bool ok);
  void fail(const Reply& reply);
  bool all_parts_back() const { return in_flight_ == 0; }
  void add_retries(const Reply& reply) { result_.retries += reply.attempts - 1; }

  Session& session_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;  // [0] also for create/complete/abort
  std::vector<bool> busy_;
  std::vector<std::string> part_queries_;
  // Random content: one body per parallel part, grown to the part size once and then reused.
  std::vector<BulkBuffer> part_bodies_;
  // Their SHA-256 in hex, computed while they are filled, when the payload is signed.
  std::vector<std::array<char, 64>> part_hashes_;
  MultipartSpec spec_;
  PartDone part_done_;
  Done done_;
  std::string upload_id_;
  std::string encoded_upload_id_;
  std::string query_;
  std::string body_;
  std::vector<sigv4::Header> create_headers_;
  std::vector<CompletedPart> parts_;
  int next_part_ = 1;
  int part_count_ = 0;
  int in_flight_ = 0;
  bool failed_ = false;
  bool stopping_ = false;
  MultipartResult result_;
};

}  // namespace s3storm::s3
