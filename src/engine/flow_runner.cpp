#include "engine/flow_runner.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "s3/xml_responses.hpp"

namespace s3storm::engine {

namespace bhttp = boost::beast::http;

namespace {

// A failure with no answer (timeout, reset) or a 5xx: the server may have applied the operation.
bool outcome_unknown(unsigned status) {
  return status == 0 || status >= 500;
}

std::uint64_t micros(Clock::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

std::vector<std::unique_ptr<s3::Exchange>> make_exchanges(const std::vector<s3::Session*>& lanes) {
  std::vector<std::unique_ptr<s3::Exchange>> out;
  for (auto* session : lanes) out.push_back(std::make_unique<s3::Exchange>(*session));
  return out;
}

// Each phase draws from streams of its own, still from the seed alone: two phases with the same
// `{uuid}` or `{rand:N}` template write different keys, and a run repeats with its seed.
Rng flow_stream(std::uint64_t seed, std::string_view phase, std::uint64_t flow_id) {
  return Rng::for_worker(seed ^ text_hash(phase), flow_id);
}

}  // namespace

FlowRunner::FlowRunner(const PhaseContext& context, boost::asio::io_context& io,
                       s3::Session& session, stats::WorkerRecorder& recorder, std::uint64_t flow_id)
    : FlowRunner(context, io, std::vector<s3::Session*>{&session}, recorder, flow_id) {}

FlowRunner::FlowRunner(const PhaseContext& context, boost::asio::io_context& io,
                       const std::vector<s3::Session*>& lanes, stats::WorkerRecorder& recorder,
                       std::uint64_t flow_id)
    : context_(context),
      sessions_(lanes),
      exchanges_(make_exchanges(lanes)),
      session_(sessions_.front()),
      exchange_(exchanges_.front().get()),
      recorder_(recorder),
      think_timer_(io),
      rng_(flow_stream(context.scenario->seed, context.phase->phase->name, flow_id)),
      flow_id_(flow_id) {}

void FlowRunner::start(std::uint64_t iteration, Clock::time_point intended, Finished finished) {
  busy_ = true;
  iteration_ = iteration;
  intended_ = intended;
  finished_ = std::move(finished);
  // The whole iteration stays on one endpoint: its steps depend on each other.
  lane_ = context_.lane_of(flow_id_, iteration);
  session_ = sessions_[lane_];
  exchange_ = exchanges_[lane_].get();
  // In a flow, `last` means the key an earlier step of this iteration wrote; in a mix it carries
  // over from the slot's previous iterations.
  if (!context_.phase->phase->is_mix) has_last_ = false;
  step_index_ = context_.phase->phase->is_mix ? context_.phase->pick(rng_.unit()) : 0;
  first_step_ = true;
  run_step();
}

void FlowRunner::request_stop() {
  stopping_ = true;
  if (active_multipart_ != nullptr) active_multipart_->request_stop();
}

void FlowRunner::run_step() {
  current_ = context_.phase->steps[step_index_].get();
  step_started_ = session_->time().steady();
  key_.clear();
  const auto& step = *current_->step;
  switch (step.op) {
    case OpKind::kPut:
      return send_put(*current_);
    case OpKind::kCopy:
      return send_copy(*current_);
    case OpKind::kDelete:
      return send_delete(*current_);
    case OpKind::kPost:
      return send_post(*current_);
    case OpKind::kMultipart:
      return send_multipart(*current_);
    case OpKind::kGet:
    case OpKind::kHead:
      return send_read(*current_);
    case OpKind::kList:
      return send_list(*current_);
    case OpKind::kDeleteObjects:
      return send_delete_objects(*current_);
    case OpKind::kMultipartPart:  // counted, never a step: the loader has no name for it
      break;
  }
}

const std::string& FlowRunner::bucket_of(const scenario::Step& step) {
  if (!step.bucket_spread.active()) return step.bucket;
  step.bucket_spread.bucket_of(key_, bucket_);
  return bucket_;
}

bool FlowRunner::resolve(const scenario::KeyRef& ref, std::string& out) {
  out.clear();
  if (ref.last) {
    if (!has_last_) return false;
    out = last_key_;
    return true;
  }
  scenario::KeyContext key_context{iteration_, seq_, flow_id_, context_.phase->phase->name,
                                   has_last_ ? std::string_view(last_key_) : std::string_view{}};
  ref.key.expand(out, key_context, rng_);
  return true;
}

void FlowRunner::send_put(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  resolve(step.key, key_);
  size_ = step.size.draw(rng_);
  size_known_ = true;
  recorder_.started();
  std::string_view body_sha256;
  const std::string_view body = body_of(step, &body_sha256);
  s3::RequestSpec spec{.method = bhttp::verb::put,
                       .bucket = bucket_of(step),
                       .key = key_,
                       .headers = prepared.headers,
                       .body = body,
                       .object_data = true,
                       .checksum = prepared.checksum,
                       .payload_sha256 = body_sha256};
  exchange_->start(spec, [this, &prepared](s3::Reply& reply) { on_reply(prepared, reply, size_); });
}

void FlowRunner::send_copy(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  if (!resolve(step.from, source_key_)) return end_iteration();  // a mix's `last` before a write
  resolve(step.key, key_);
  const std::string* from_bucket = &step.from_bucket;
  if (step.from_bucket_spread.active()) {
    step.from_bucket_spread.bucket_of(source_key_, from_bucket_);
    from_bucket = &from_bucket_;
  }
  size_ = step.from.last ? last_size_ : 0;
  size_known_ = step.from.last && last_size_known_;
  recorder_.started();
  exchange_->start(
      copy_request_.build(bucket_of(step), key_, *from_bucket, source_key_, prepared.headers),
      [this, &prepared](s3::Reply& reply) { on_reply(prepared, reply, size_); });
}

void FlowRunner::send_delete(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  if (!resolve(step.key, key_)) return end_iteration();
  recorder_.started();
  s3::RequestSpec spec{.method = bhttp::verb::delete_, .bucket = bucket_of(step), .key = key_};
  exchange_->start(spec, [this, &prepared](s3::Reply& reply) { on_reply(prepared, reply, 0); });
}

void FlowRunner::send_post(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  resolve(step.key, key_);
  size_ = step.size.draw(rng_);
  size_known_ = true;
  recorder_.started();
  const auto& spec = post_request_.build({.bucket = bucket_of(step),
                                          .key = key_,
                                          .content_type = step.content_type,
                                          .data = body_of(step),
                                          .credentials = &session_->credentials(),
                                          .region = session_->config().region,
                                          .time = session_->now()});
  exchange_->start(spec, [this, &prepared](s3::Reply& reply) { on_reply(prepared, reply, size_); });
}

void FlowRunner::send_multipart(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  resolve(step.key, key_);
  size_ = step.size.draw(rng_);
  size_known_ = true;
  auto& upload = multipart_[{lane_, step.parallel_parts}];
  if (!upload) upload = std::make_unique<s3::MultipartUpload>(*session_, step.parallel_parts);
  active_multipart_ = upload.get();
  if (stopping_) upload->request_stop();
  recorder_.started();
  s3::MultipartSpec spec{.bucket = bucket_of(step),
                         .key = key_,
                         .size = size_,
                         .part_size = step.part_size,
                         .create_headers = prepared.headers,
                         .abort_instead_of_complete = step.abort,
                         .checksum = prepared.checksum};
  if (step.content == scenario::Content::kRandom) {
    spec.random_content_seed = s3::random_content_seed(context_.scenario->seed, key_);
  }
  upload->start(
      spec,
      [this](const s3::Reply& part, std::uint64_t bytes) {
        record(OpKind::kMultipartPart, part.ok, part.status, part.error_code, part.attempts,
               part.sent, part.complete, bytes, part.sent, part.first_byte);
      },
      [this, &prepared](const s3::MultipartResult& result) {
        active_multipart_ = nullptr;
        const Clock::time_point origin =
            first_step_ && context_.schedule ? intended_ : step_started_;
        record(OpKind::kMultipart, result.ok, result.status, result.error_code, result.retries + 1,
               result.sent, result.complete, result.bytes, origin);
        if (!result.ok && !prepared.step->abort && outcome_unknown(result.status)) {
          expect_failed_event(prepared);
        }
        if (result.left_open) {
          recorder_.own().note_open_upload(
              fmt::format("{}/{} ({})", bucket_of(*prepared.step), key_, result.upload_id));
        }
        if (result.ok) {
          if (!prepared.step->abort) {
            note_written();
            last_size_ = size_;
            last_size_known_ = true;
            // Random: the object's bytes, part after part; repeat: each part a prefix of the
            // shared payload.
            last_content_ = prepared.step->content;
            last_content_key_ = key_;
            last_repeat_period_ = prepared.step->part_size;
          }
          expect_event(prepared, result.complete, result.etag, result.version_id);
        }
        after_step(result.ok);
      });
}

void FlowRunner::send_read(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  if (!resolve(step.key, key_)) return end_iteration();
  probed_size_.reset();
  // A random window needs the object's size: when the flow did not write it, a HEAD asks first.
  if (step.op == OpKind::kGet && step.range.kind == scenario::ReadRange::Kind::kRandom &&
      !(step.key.last && last_size_known_)) {
    recorder_.started();
    s3::RequestSpec probe{
        .method = bhttp::verb::head, .bucket = bucket_of(step), .key = key_, .discard_body = true};
    exchange_->start(probe,
                     [this, &prepared](s3::Reply& reply) { on_size_probe(prepared, reply); });
    return;
  }
  send_resolved_read(prepared);
}

void FlowRunner::on_size_probe(const PreparedStep& prepared, s3::Reply& reply) {
  const Clock::time_point origin = first_step_ && context_.schedule ? intended_ : step_started_;
  record(OpKind::kHead, reply.ok, reply.status, reply.error_code, reply.attempts, reply.sent,
         reply.complete, 0, origin, reply.first_byte);
  if (!reply.ok) return after_step(false);
  // Without a Content-Length (a server that leaves it out of a HEAD): the first window.
  probed_size_ = reply.content_length;
  first_step_ = false;  // the schedule's lateness is charged to the HEAD
  step_started_ = Clock::now();
  send_resolved_read(prepared);
}

void FlowRunner::send_resolved_read(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  recorder_.started();
  const bool head = step.op == OpKind::kHead;
  s3::RequestSpec spec{.method = head ? bhttp::verb::head : bhttp::verb::get,
                       .bucket = bucket_of(step),
                       .key = key_,
                       .discard_body = true};
  verifying_ = false;
  if (!head) prepare_read(step, spec);
  exchange_->start(spec, [this, &prepared](s3::Reply& reply) {
    if (verifying_ && reply.ok && !check_.matched(reply.body_bytes)) {
      reply.ok = false;
      reply.error_code = "ContentMismatch";
    }
    on_reply(prepared, reply, reply.body_bytes);
  });
}

void FlowRunner::prepare_read(const scenario::Step& step, s3::RequestSpec& spec) {
  using Kind = scenario::ReadRange::Kind;
  // The object's size is known when it is the flow's last write (and that size was known), or
  // from the HEAD a random window asked first.
  const bool size_known = probed_size_.has_value() || (step.key.last && last_size_known_);
  const std::uint64_t size = probed_size_.value_or(last_size_);
  std::uint64_t start = 0;
  std::optional<std::uint64_t> length;
  if (size_known) length = size;
  range_text_.clear();
  if (step.range.kind == Kind::kFixed) {
    start = step.range.first;
    range_text_ = fmt::format("bytes={}-", start);
    if (step.range.last) range_text_ += fmt::format("{}", *step.range.last);
    length.reset();
    // The server cuts a range at the object's end; without the size, the length is its word.
    if (size_known && start < size) {
      const std::uint64_t end = std::min(step.range.last.value_or(size - 1), size - 1);
      length = end - start + 1;
    }
  } else if (step.range.kind == Kind::kRandom && !(size_known && size == 0)) {
    const std::uint64_t window = step.range.window;
    std::uint64_t count = 0;  // whole aligned windows inside the object
    if (size_known) count = size / window;
    if (count > 0) {
      start = rng_.below(count) * window;
      length = window;
    } else if (size_known) {
      length = size;  // smaller than one window: all of it
    }
    // Unknown size (a copy of a key no step of this flow wrote): the first window.
    const std::uint64_t span = length.value_or(window);
    range_text_ = fmt::format("bytes={}-{}", start, start + span - 1);
  }
  if (!range_text_.empty()) {
    range_header_[0] = {"range", range_text_};
    spec.headers = range_header_;
  }
  if (!step.verify) return;
  verifying_ = true;
  // A get of `last` expects what that write sent, unless the step says otherwise.
  const bool from_last = step.key.last && !step.content_given;
  const auto content = from_last ? last_content_ : step.content;
  if (content == scenario::Content::kRandom) {
    const std::string_view content_key = from_last ? last_content_key_ : key_;
    check_.expect_random(s3::random_content_seed(context_.scenario->seed, content_key), start,
                         length);
  } else {
    const auto& payload = session_->payload();
    check_.expect_repeat(payload.slice(payload.capacity()), start, length,
                         from_last ? last_repeat_period_ : 0);
  }
  spec.body_observer = &check_;
}

std::string_view FlowRunner::body_of(const scenario::Step& step, std::string_view* sha256_hex) {
  if (step.content != scenario::Content::kRandom) return session_->payload().slice(size_);
  // Grown once to the largest body this slot sends, then reused.
  body_.grow_to(size_);
  const bool hash = sha256_hex != nullptr && session_->hashes_object_data();
  const auto digest = s3::fill_random_body(s3::random_content_seed(context_.scenario->seed, key_),
                                           0, body_.first(size_), hash ? &body_sha256_ : nullptr);
  if (hash) *sha256_hex = digest;
  return {body_.data(), size_};
}

void FlowRunner::send_list(const PreparedStep& prepared) {
  resolve(prepared.step->key, key_);
  list_pages_ = 0;
  list_token_.clear();
  send_list_page(prepared);
}

void FlowRunner::send_list_page(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  recorder_.started();
  exchange_->start(list_request_.build(bucket_of(step), key_, step.max_keys, list_token_),
                   [this, &prepared](s3::Reply& reply) { on_list_page(prepared, reply); });
}

// Each page is one `list` operation; the step follows the continuation token for up to `pages`
// pages, and ends early when the listing does.
void FlowRunner::on_list_page(const PreparedStep& prepared, s3::Reply& reply) {
  ++list_pages_;
  if (reply.ok && list_pages_ < prepared.step->pages) {
    auto page = s3::parse_list_objects_v2(reply.body);
    if (page.truncated && !page.next_continuation_token.empty()) {
      const Clock::time_point origin = first_step_ && context_.schedule ? intended_ : step_started_;
      record(prepared.step->op, true, reply.status, reply.error_code, reply.attempts, reply.sent,
             reply.complete, reply.body_bytes, origin);
      list_token_ = std::move(page.next_continuation_token);
      first_step_ = false;  // the schedule's lateness is charged to the first page only
      step_started_ = session_->time().steady();
      return send_list_page(prepared);
    }
  }
  on_reply(prepared, reply, reply.body_bytes);
}

void FlowRunner::send_delete_objects(const PreparedStep& prepared) {
  const auto& step = *prepared.step;
  if (context_.written != nullptr) {
    context_.written->take(bucket_of(step), static_cast<std::size_t>(step.batch), batch_keys_);
  }
  if (batch_keys_.empty()) return end_iteration();  // nothing written to delete yet
  recorder_.started();
  exchange_->start(delete_objects_request_.build(bucket_of(step), batch_keys_),
                   [this, &prepared](s3::Reply& reply) { on_delete_objects(prepared, reply); });
}

// One operation per request; one expected ObjectRemoved:Delete per key the answer does not list
// as an <Error>. A key it refused makes the operation a failure with that key's code.
void FlowRunner::on_delete_objects(const PreparedStep& prepared, s3::Reply& reply) {
  const Clock::time_point origin = first_step_ && context_.schedule ? intended_ : step_started_;
  std::vector<s3::DeleteError> refused;
  if (reply.ok) refused = s3::parse_delete_errors(reply.body);
  const bool ok = reply.ok && refused.empty();
  const std::string_view code =
      refused.empty() ? std::string_view(reply.error_code) : std::string_view(refused.front().code);
  record(prepared.step->op, ok, reply.status, code, reply.attempts, reply.sent, reply.complete, 0,
         origin);
  for (const auto& key : batch_keys_) {
    key_ = key;
    if (!reply.ok) {
      if (outcome_unknown(reply.status)) expect_failed_event(prepared);
      continue;
    }
    const bool deleted = std::none_of(refused.begin(), refused.end(),
                                      [&](const s3::DeleteError& e) { return e.key == key; });
    if (!deleted) continue;
    if (has_last_ && key == last_key_) has_last_ = false;
    expect_event(prepared, reply.complete, {}, {});
  }
  after_step(ok);
}

void FlowRunner::note_written() {
  last_key_ = key_;
  has_last_ = true;
  if (context_.written != nullptr) context_.written->add(bucket_of(*current_->step), key_);
}

void FlowRunner::on_reply(const PreparedStep& prepared, s3::Reply& reply, std::uint64_t bytes) {
  const Clock::time_point origin = first_step_ && context_.schedule ? intended_ : step_started_;
  record(prepared.step->op, reply.ok, reply.status, reply.error_code, reply.attempts, reply.sent,
         reply.complete, bytes, origin, reply.first_byte);
  if (!reply.ok && outcome_unknown(reply.status)) expect_failed_event(prepared);
  if (reply.ok) {
    const auto op = prepared.step->op;
    if (prepared.step->writes_key()) {
      // A copy of `last` holds what that object held; a copy of another key, what the step says.
      if (op != OpKind::kCopy) {
        last_content_ = prepared.step->content;
        last_content_key_ = key_;
        last_repeat_period_ = 0;
      } else if (!prepared.step->from.last) {
        last_content_ = prepared.step->content;
        last_content_key_ = source_key_;
        last_repeat_period_ = 0;
      }
      note_written();
      last_size_ = size_;
      last_size_known_ = op != OpKind::kCopy || size_known_;
    } else if (op == OpKind::kDelete && has_last_ && key_ == last_key_) {
      has_last_ = false;  // the next `last` must not name a key that is gone
    }
    // A copy's ETag is in its CopyObjectResult body, not in a header.
    if (op == OpKind::kCopy && context_.matcher != nullptr) {
      copy_etag_ = s3::parse_result_etag(reply.body);
      expect_event(prepared, reply.complete, copy_etag_, reply.version_id);
    } else {
      expect_event(prepared, reply.complete, reply.etag, reply.version_id);
    }
  }
  after_step(reply.ok);
}

void FlowRunner::record(OpKind kind, bool ok, unsigned status, std::string_view error_code,
                        int attempts, Clock::time_point sent, Clock::time_point complete,
                        std::uint64_t bytes, Clock::time_point origin,
                        Clock::time_point first_byte) {
  stats::OpOutcome outcome;
  outcome.latency_us = micros(complete - origin);
  // From the same start as the latency (open loop: the scheduled start), so the two compare.
  if (first_byte != Clock::time_point{}) {
    outcome.has_ttfb = true;
    outcome.ttfb_us = micros(first_byte - origin);
  }
  outcome.sized = kind == OpKind::kPut || kind == OpKind::kPost || kind == OpKind::kMultipart ||
                  kind == OpKind::kMultipartPart || kind == OpKind::kGet;
  outcome.object_bytes = bytes;
  outcome.service_us = micros(complete - sent);
  outcome.bytes = ok ? bytes : 0;
  outcome.retries = attempts > 1 ? static_cast<std::uint32_t>(attempts - 1) : 0;
  outcome.http_status = static_cast<std::uint16_t>(status);
  outcome.ok = ok;
  outcome.error_code = error_code;
  outcome.endpoint = static_cast<std::uint32_t>(lane_);
  outcome.epoch_second =
      std::chrono::duration_cast<std::chrono::seconds>(session_->time().system().time_since_epoch())
          .count();
  recorder_.record(kind, outcome);
}

void FlowRunner::expect_event(const PreparedStep& prepared, Clock::time_point complete,
                              std::string_view etag, std::string_view version_id) {
  if (context_.matcher == nullptr || !prepared.notifies) return;
  const auto& bucket = bucket_of(*prepared.step);
  if (!context_.rules->expects(bucket, key_, *prepared.notifies)) return;
  // What the event must say: the object's size and the ETag the server answered. Deletes carry
  // neither.
  events::ExpectedContent content;
  const auto op = prepared.step->op;
  if (op != OpKind::kDelete && op != OpKind::kDeleteObjects) {
    if (op != OpKind::kCopy || size_known_) content.size = size_;
    content.etag = etag;
  }
  // A delete on a versioned bucket answers the version it removed or the delete marker it made.
  content.version_id = version_id;
  context_.matcher->expect(bucket, key_, *prepared.notifies, complete, step_started_, content);
}

void FlowRunner::expect_failed_event(const PreparedStep& prepared) {
  if (context_.matcher == nullptr || !prepared.notifies) return;
  const auto& bucket = bucket_of(*prepared.step);
  if (!context_.rules->expects(bucket, key_, *prepared.notifies)) return;
  context_.matcher->expect_failed(bucket, key_, *prepared.notifies, step_started_);
}

void FlowRunner::after_step(bool ok) {
  const auto& phase = *context_.phase->phase;
  const bool more = !phase.is_mix && step_index_ + 1 < context_.phase->steps.size();
  if (!ok || !more || stopping_) return end_iteration();
  ++step_index_;
  first_step_ = false;
  if (phase.think.count() <= 0) return run_step();
  think_timer_.expires_after(phase.think);
  think_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return end_iteration();
    run_step();
  });
}

void FlowRunner::end_iteration() {
  recorder_.iteration_done();
  ++seq_;
  busy_ = false;
  current_ = nullptr;
  auto finished = std::move(finished_);
  finished(*this);
}

}  // namespace s3storm::engine
