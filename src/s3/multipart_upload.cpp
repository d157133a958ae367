#include "s3/multipart_upload.hpp"

#include "s3/content.hpp"
#include "s3/xml_responses.hpp"
#include "sigv4/uri_encoding.hpp"

namespace s3storm::s3 {

namespace bhttp = boost::beast::http;

MultipartUpload::MultipartUpload(Session& session, int parallel_parts) : session_(session) {
  const auto slots = static_cast<std::size_t>(parallel_parts < 1 ? 1 : parallel_parts);
  for (std::size_t i = 0; i < slots; ++i) exchanges_.push_back(std::make_unique<Exchange>(session));
  busy_.assign(slots, false);
  part_queries_.resize(slots);
  part_bodies_.resize(slots);
  part_hashes_.resize(slots);
}

void MultipartUpload::start(const MultipartSpec& spec, PartDone part_done, Done done) {
  spec_ = spec;
  part_done_ = std::move(part_done);
  done_ = std::move(done);
  upload_id_.clear();
  parts_.clear();
  next_part_ = 1;
  part_count_ = 0;
  in_flight_ = 0;
  failed_ = false;
  stopping_ = false;
  result_ = MultipartResult{};
  result_.sent = session_.time().steady();

  create_headers_.assign(spec_.create_headers.begin(), spec_.create_headers.end());
  if (spec_.checksum) {
    create_headers_.push_back({"x-amz-checksum-algorithm", checksum_name(*spec_.checksum)});
  }
  RequestSpec create{.method = bhttp::verb::post,
                     .bucket = spec_.bucket,
                     .key = spec_.key,
                     .query = "uploads=",
                     .headers = create_headers_};
  exchanges_[0]->start(create, [this](Reply& reply) { on_created(reply); });
}

void MultipartUpload::request_stop() {
  stopping_ = true;
}

void MultipartUpload::on_created(Reply& reply) {
  add_retries(reply);
  if (!reply.ok) {
    fail(reply);
    return finish(reply, false);
  }
  upload_id_ = parse_upload_id(reply.body);
  if (upload_id_.empty()) {
    reply.error_code = "MalformedUploadId";
    fail(reply);
    return finish(reply, false);
  }
  encoded_upload_id_.clear();
  sigv4::append_uri_encoded(encoded_upload_id_, upload_id_, /*keep_slash=*/false);
  const std::uint64_t part = spec_.part_size == 0 ? spec_.size : spec_.part_size;
  part_count_ = spec_.size == 0 ? 1 : static_cast<int>((spec_.size + part - 1) / part);
  parts_.resize(static_cast<std::size_t>(part_count_));
  send_parts();
}

void MultipartUpload::send_parts() {
  for (std::size_t slot = 0; slot < exchanges_.size(); ++slot) {
    if (failed_ || stopping_ || next_part_ > part_count_) break;
    if (busy_[slot]) continue;
    const int number = next_part_++;
    const std::uint64_t offset = static_cast<std::uint64_t>(number - 1) * spec_.part_size;
    const std::uint64_t bytes = std::min(spec_.part_size, spec_.size - offset);
    auto& query = part_queries_[slot];
    query.assign("partNumber=").append(std::to_string(number)).append("&uploadId=");
    query += encoded_upload_id_;
    busy_[slot] = true;
    ++in_flight_;
    std::string_view body = session_.payload().slice(bytes);
    std::string_view body_sha256;
    if (spec_.random_content_seed) {
      auto& buffer = part_bodies_[slot];
      buffer.grow_to(bytes);
      // Hashed piece by piece as it is written, rather than read back whole by the signer.
      body_sha256 = fill_random_body(*spec_.random_content_seed, offset, buffer.first(bytes),
                                     session_.hashes_object_data() ? &part_hashes_[slot] : nullptr);
      body = std::string_view(buffer.data(), bytes);
    }
    RequestSpec part{.method = bhttp::verb::put,
                     .bucket = spec_.bucket,
                     .key = spec_.key,
                     .query = query,
                     .body = body,
                     .object_data = true,
                     .checksum = spec_.checksum,
                     .payload_sha256 = body_sha256};
    exchanges_[slot]->start(
        part, [this, slot, number, bytes](Reply& reply) { on_part(slot, number, bytes, reply); });
  }
  if (!all_parts_back()) return;
  if (failed_ || stopping_ || spec_.abort_instead_of_complete) return abort();
  if (next_part_ > part_count_) complete();
}

void MultipartUpload::on_part(std::size_t slot, int part_number, std::uint64_t bytes,
                              Reply& reply) {
  busy_[slot] = false;
  --in_flight_;
  add_retries(reply);
  if (part_done_) part_done_(reply, bytes);
  if (reply.ok) {
    auto& part = parts_[static_cast<std::size_t>(part_number - 1)];
    part = {part_number, reply.etag, {}, {}};
    if (spec_.checksum) {
      part.checksum = exchanges_[slot]->sent_checksum();
      part.checksum_element = checksum_element(*spec_.checksum);
    }
    result_.bytes += bytes;
  } else if (!failed_) {
    fail(reply);
  }
  send_parts();
}

void MultipartUpload::complete() {
  write_complete_multipart_upload(body_, parts_);
  query_.assign("uploadId=").append(encoded_upload_id_);
  RequestSpec request{.method = bhttp::verb::post,
                      .bucket = spec_.bucket,
                      .key = spec_.key,
                      .query = query_,
                      .body = body_,
                      .error_may_follow_200 = true};
  exchanges_[0]->start(request, [this](Reply& reply) {
    add_retries(reply);
    if (!reply.ok) {
      fail(reply);
      return abort();  // never leave an upload open behind a failed completion
    }
    result_.etag = parse_result_etag(reply.body);
    if (result_.etag.empty()) result_.etag = reply.etag;
    result_.version_id = reply.version_id;
    result_.status = reply.status;
    finish(reply, true);
  });
}

void MultipartUpload::abort() {
  query_.assign("uploadId=").append(encoded_upload_id_);
  RequestSpec request{
      .method = bhttp::verb::delete_, .bucket = spec_.bucket, .key = spec_.key, .query = query_};
  exchanges_[0]->start(request, [this](Reply& reply) {
    add_retries(reply);
    result_.aborted = reply.ok;
    if (!reply.ok && reply.error_code != "NoSuchUpload") {
      result_.left_open = true;
      result_.upload_id = upload_id_;
    }
    if (!reply.ok && !failed_) fail(reply);
    if (stopping_ && !failed_) {
      failed_ = true;
      result_.error_code = "Interrupted";
    }
    finish(reply, !failed_);
  });
}

void MultipartUpload::fail(const Reply& reply) {
  failed_ = true;
  result_.status = reply.status;
  result_.error_code = reply.error_code;
}

void MultipartUpload::finish(Reply& last, bool ok) {
  result_.ok = ok;
  result_.complete = last.complete;
  if (ok) result_.status = last.status;
  auto done = std::move(done_);
  done(result_);
}

}  // namespace s3storm::s3
