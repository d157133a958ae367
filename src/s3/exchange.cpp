#include "s3/exchange.hpp"

#include <array>
#include <charconv>

#include "s3/xml_responses.hpp"
#include "sigv4/crypto.hpp"
#include "util/hex.hpp"

namespace s3storm::s3 {

Exchange::Exchange(Session& session)
    : session_(session),
      sender_(session.sender(), session.io(), session.config().retry, session.uniform()) {
  signed_headers_.reserve(8);
  chunk_digest_ = [this](std::string_view chunk) { return remembered_digest(chunk); };
}

sigv4::Digest Exchange::remembered_digest(std::string_view chunk) {
  // Chunks are at most 64 MiB (2^26) and the buffer far below 2^37 bytes: one key for both.
  constexpr std::size_t kMaxRemembered = 4096;
  const auto whole = session_.payload().slice(session_.payload().capacity());
  const bool in_payload =
      chunk.data() >= whole.data() && chunk.data() + chunk.size() <= whole.data() + whole.size();
  if (!in_payload) return sigv4::sha256(chunk);
  const auto offset = static_cast<std::uint64_t>(chunk.data() - whole.data());
  const std::uint64_t key = offset << 27 | chunk.size();
  const auto found = chunk_digests_.find(key);
  if (found != chunk_digests_.end()) return found->second;
  if (chunk_digests_.size() >= kMaxRemembered) chunk_digests_.clear();
  return chunk_digests_.emplace(key, sigv4::sha256(chunk)).first->second;
}

namespace {

void append_field(std::string& head, std::string_view name, std::string_view value) {
  head.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

void Exchange::start(const RequestSpec& spec, Done done) {
  done_ = std::move(done);
  error_may_follow_200_ = spec.error_may_follow_200;
  session_.address(host_, target_, spec.bucket, spec.key, spec.query);

  const std::string_view target = target_;
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  const ChunkedMode mode = add_body_headers(spec);

  // The connection needs the method (HEAD) and the body view from the message; the header goes
  // out as written here (see http::Request::head).
  auto& message = request_.message;
  message.method(spec.method);
  auto& head = request_.head;
  head.clear();
  head.append(boost::beast::http::to_string(spec.method));
  head.push_back(' ');
  head.append(target_);
  head.append(" HTTP/1.1\r\n");
  append_field(head, "Host", host_);
  for (const auto& header : spec.headers) append_field(head, header.name, header.value);
  for (const auto& header : extra_headers_) append_field(head, header.name, header.value);
  if (spec.sign) sign(spec, path, query, mode);
  std::string_view body = spec.body;
  if (mode != ChunkedMode::kNone) {
    encode_chunked(spec, mode);
    body = encoded_body_;
  }
  message.body() = http::BodyView::value_type(body.data(), body.size());
  // Content-Length also for an empty body, which S3 wants on PUT.
  std::array<char, 24> length{};
  const auto written = std::to_chars(length.data(), length.data() + length.size(), body.size());
  append_field(head, "Content-Length",
               std::string_view(length.data(), written.ptr - length.data()));
  head.append("\r\n");
  request_.discard_body = spec.discard_body;
  request_.body_observer = spec.body_observer;
  reply_.sent = session_.time().steady();

  sender_.async_send(request_, [this](http::Result& result) { on_result(result); });
}

ChunkedMode Exchange::add_body_headers(const RequestSpec& spec) {
  extra_headers_.clear();
  checksum_value_.clear();
  payload_hash_ = {};
  const ChunkedMode mode =
      spec.object_data && spec.sign ? session_.config().chunked : ChunkedMode::kNone;
  if (mode != ChunkedMode::kNone) {
    extra_headers_.push_back({"content-encoding", "aws-chunked"});
    decoded_length_ = std::to_string(spec.body.size());
    extra_headers_.push_back({"x-amz-decoded-content-length", decoded_length_});
  }
  if (spec.checksum) {
    const std::string_view name = checksum_header(*spec.checksum);
    if (has_trailer(mode)) {
      // Computed while the body is framed, as the SDKs do.
      extra_headers_.push_back({"x-amz-trailer", name});
    } else if (*spec.checksum == ChecksumAlgorithm::kSha256 && mode == ChunkedMode::kNone &&
               spec.sign && session_.config().sign_payload) {
      // The signature hashes the same bytes: one SHA-256 (remembered for a shared body, taken
      // while writing a random one) serves both headers.
      checksum_value_ = sigv4::base64_encode(*hex::decode(payload_hash(spec)));
      extra_headers_.push_back({name, checksum_value_});
    } else {
      checksum_value_ = checksum_base64(*spec.checksum, spec.body);
      extra_headers_.push_back({name, checksum_value_});
    }
  }
  return mode;
}

void Exchange::sign(const RequestSpec& spec, std::string_view path, std::string_view query,
                    ChunkedMode mode) {
  signed_headers_.clear();
  signed_headers_.push_back({"host", host_});
  signed_headers_.insert(signed_headers_.end(), spec.headers.begin(), spec.headers.end());
  signed_headers_.insert(signed_headers_.end(), extra_headers_.begin(), extra_headers_.end());
  // The chunk signatures chain from this signature, at this same date.
  signed_at_ = session_.now();
  const std::string_view content_sha256 =
      mode == ChunkedMode::kNone ? payload_hash(spec) : streaming_payload_name(mode);
  const auto& signature = session_.signer().sign(
      {boost::beast::http::to_string(spec.method), path, query, signed_headers_, content_sha256},
      signed_at_);
  auto& head = request_.head;
  append_field(head, "x-amz-date", signature.amz_date);
  if (!signature.content_sha256.empty()) {
    append_field(head, "x-amz-content-sha256", signature.content_sha256);
  }
  if (!signature.security_token.empty()) {
    append_field(head, "x-amz-security-token", signature.security_token);
  }
  append_field(head, "Authorization", signature.authorization);
  if (mode != ChunkedMode::kNone) seed_signature_.assign(signature.signature);
}

std::string_view Exchange::payload_hash(const RequestSpec& spec) {
  if (payload_hash_.empty()) {
    const bool known = !spec.payload_sha256.empty() && session_.config().sign_payload;
    payload_hash_ = known ? spec.payload_sha256 : session_.payload_hash(spec.body);
  }
  return payload_hash_;
}

void Exchange::encode_chunked(const RequestSpec& spec, ChunkedMode mode) {
  const ChunkedFraming framing{.mode = mode,
                               .chunk_size = session_.config().chunk_size,
                               .trailer = has_trailer(mode) ? spec.checksum : std::nullopt};
  std::string trailer_value;
  if (mode == ChunkedMode::kUnsignedTrailer) {
    trailer_value = encode_aws_chunked(encoded_body_, spec.body, framing, nullptr, {});
  } else {
    trailer_value = encode_aws_chunked(encoded_body_, spec.body, framing,
                                       &session_.signer().chunk_signer(signed_at_), seed_signature_,
                                       chunk_digest_);
  }
  if (framing.trailer) checksum_value_ = std::move(trailer_value);
}

void Exchange::on_result(http::Result& result) {
  auto& reply = reply_;
  reply.attempts = result.attempts;
  reply.complete = result.timing.complete;
  reply.first_byte = result.timing.first_byte;
  reply.status = result.outcome == http::Outcome::kOk ? result.response.status : 0;
  reply.body_bytes = result.response.body_bytes;
  reply.content_length = result.response.content_length;
  reply.etag.swap(result.response.etag);  // swapped like the body: both buffers stay warm
  reply.version_id.swap(result.response.version_id);
  reply.body.swap(result.response.body);
  reply.error_code.clear();

  if (result.outcome != http::Outcome::kOk) {
    reply.ok = false;
    reply.error_code = http::to_string(result.outcome);
  } else {
    const bool success_status = reply.status >= 200 && reply.status < 300;
    std::optional<S3Error> error;
    if (!success_status || error_may_follow_200_) error = parse_error(reply.body);
    reply.ok = success_status && !error;
    if (!reply.ok) {
      reply.error_code = error && !error->code.empty() ? std::move(error->code)
                                                       : "HTTP " + std::to_string(reply.status);
    }
  }
  auto done = std::move(done_);
  done(reply);
}

}  // namespace s3storm::s3
