#pragma once

// One flow slot: runs an iteration of the phase (its flow's steps in order, or one weighted pick
// of its mix), records each step, and tells the worker when the iteration is over. A failed step
// ends the iteration, since the steps after it usually depend on it (copy from `last`).

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/phase_context.hpp"
#include "s3/content.hpp"
#include "s3/exchange.hpp"
#include "s3/multipart_upload.hpp"
#include "s3/requests.hpp"
#include "stats/phase_recorder.hpp"
#include "util/bulk_buffer.hpp"
#include "util/rng.hpp"

namespace s3storm::engine {

class FlowRunner {
 public:
  using Finished = std::function<void(FlowRunner&)>;

  FlowRunner(const PhaseContext& context, boost::asio::io_context& io, s3::Session& session,
             stats::WorkerRecorder& recorder, std::uint64_t flow_id);
  // One session per endpoint (PhaseContext::endpoints); each iteration uses lane_of's.
  FlowRunner(const PhaseContext& context, boost::asio::io_context& io,
             const std::vector<s3::Session*>& lanes, stats::WorkerRecorder& recorder,
             std::uint64_t flow_id);

  // `intended` is when the schedule wanted this iteration to start (open loop), or now.
  void start(std::uint64_t iteration, Clock::time_point intended, Finished finished);
  // Stop after the step in flight (a multipart upload aborts once its parts are back).
  void request_stop();
  bool busy() const { return busy_; }

 private:
  void run_step();
  void after_step(bool ok);
  void end_iteration();

  void send_put(const PreparedStep& prepared);
  void send_copy(const PreparedStep& prepared);
  void send_delete(const PreparedStep& prepared);
  void send_post(const PreparedStep& prepared);
  void send_multipart(const PreparedStep& prepared);
  void send_read(const PreparedStep& prepared);
  // `range: random:SIZE` of an object of unknown size: a HEAD first (counted as a `head`).
  void on_size_probe(const PreparedStep& prepared, s3::Reply& reply);
  // The get or head of key_, already resolved.
  void send_resolved_read(const PreparedStep& prepared);
  void send_list(const PreparedStep& prepared);
  void send_list_page(const PreparedStep& prepared);
  void on_list_page(const PreparedStep& prepared, s3::Reply& reply);
  void send_delete_objects(const PreparedStep& prepared);
  void on_delete_objects(const PreparedStep& prepared, s3::Reply& reply);
  // A key a step wrote, for `last` and for delete_objects.
  void note_written();

  // The bucket of key_ for this step: the step's one, or the one its template picks for the key.
  const std::string& bucket_of(const scenario::Step& step);
  // Resolves a key reference into out; false when it is `last` and nothing was written yet.
  bool resolve(const scenario::KeyRef& ref, std::string& out);
  void on_reply(const PreparedStep& prepared, s3::Reply& reply, std::uint64_t bytes);
  void record(OpKind kind, bool ok, unsigned status, std::string_view error_code, int attempts,
              Clock::time_point sent, Clock::time_point complete, std::uint64_t bytes,
              Clock::time_point origin, Clock::time_point first_byte = {});
  // The body of a put or post of size_ bytes to key_: a slice of the shared payload, or (random
  // content) this slot's own buffer filled with the object's bytes. With `sha256_hex`, a random
  // body a signed payload carries is hashed as it is written, and its digest's digits set there.
  std::string_view body_of(const scenario::Step& step, std::string_view* sha256_hex = nullptr);
  // A get's Range header and, with verify, what its body must be.
  void prepare_read(const scenario::Step& step, s3::RequestSpec& spec);
  // The operation failed without the server's verdict (no answer, or 5xx): an event may still
  // come, and is then the server's evidence that it applied it.
  void expect_failed_event(const PreparedStep& prepared);
  // `etag` is the ETag the server answered with (empty when it gave none).
  void expect_event(const PreparedStep& prepared, Clock::time_point complete, std::string_view etag,
                    std::string_view version_id);

  const PhaseContext& context_;
  // Per endpoint: its session and an exchange on it; session_ and exchange_ are the iteration's.
  std::vector<s3::Session*> sessions_;
  std::vector<std::unique_ptr<s3::Exchange>> exchanges_;
  std::size_t lane_ = 0;
  s3::Session* session_;
  s3::Exchange* exchange_;
  stats::WorkerRecorder& recorder_;
  boost::asio::steady_timer think_timer_;
  // By endpoint and parts in parallel.
  std::map<std::pair<std::size_t, int>, std::unique_ptr<s3::MultipartUpload>> multipart_;
  s3::MultipartUpload* active_multipart_ = nullptr;
  Rng rng_;
  const std::uint64_t flow_id_;
  std::uint64_t seq_ = 0;
  std::uint64_t iteration_ = 0;
  std::size_t step_index_ = 0;
  const PreparedStep* current_ = nullptr;
  Clock::time_point intended_;
  Clock::time_point step_started_;
  Finished finished_;
  bool busy_ = false;
  bool stopping_ = false;
  // Open loop: the first step's latency runs from the scheduled start, not from when it was sent.
  bool first_step_ = true;

  std::string key_;
  std::string source_key_;
  std::string bucket_;       // key_'s bucket, when the step spreads over several
  std::string from_bucket_;  // source_key_'s, when a copy's source spreads
  std::string last_key_;
  bool has_last_ = false;
  std::uint64_t last_size_ = 0;
  std::uint64_t size_ = 0;
  // Whether size_ is the object's size: a copy knows it only from a `last` whose size was known.
  bool size_known_ = false;
  bool last_size_known_ = false;
  // What the object `last` names holds, for a verified read of it.
  scenario::Content last_content_ = scenario::Content::kRepeat;
  std::string last_content_key_;  // random: the key its bytes were made for (a copy's source)
  std::uint64_t last_repeat_period_ = 0;  // repeat: a multipart object repeats its part size
  BulkBuffer body_;                       // random content: grown to the largest body, reused
  std::array<char, 64> body_sha256_{};    // its hash, when a signed put needs it
  s3::ContentCheck check_;
  bool verifying_ = false;
  std::optional<std::uint64_t> probed_size_;  // the size the HEAD before a random range found
  std::string range_text_;
  std::array<sigv4::Header, 1> range_header_{};
  std::string copy_etag_;
  s3::CopyObjectRequest copy_request_;
  s3::ListObjectsV2Request list_request_;
  int list_pages_ = 0;  // pages of the current list step so far
  std::string list_token_;
  s3::DeleteObjectsRequest delete_objects_request_;
  std::vector<std::string> batch_keys_;
  s3::PostObjectRequest post_request_;
};

}  // namespace s3storm::engine
