#pragma once

// One S3 request at a time: addresses, signs and sends it (with retries), then reads the answer as
// S3 means it (an <Error> body, even under 200, is a failure with its code). A flow owns one
// Exchange per request it may have in flight; everything in it is reused between requests.

#include <array>
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"
#include "http/retry.hpp"
#include "s3/aws_chunked_body.hpp"
#include "s3/checksum.hpp"
#include "s3/session.hpp"
#include "sigv4/canonical_request.hpp"

namespace s3storm::s3 {

struct RequestSpec {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string_view bucket{};                 // empty: the service (ListBuckets)
  std::string_view key{};                    // raw key, encoded here; empty: the bucket itself
  std::string_view query{};                  // already encoded, without '?'
  std::span<const sigv4::Header> headers{};  // sent and signed, besides host and x-amz-*
  std::string_view body{};
  bool discard_body = false;
  // Sees the response body as it arrives (a verified GET); must outlive the exchange's answer.
  http::BodyObserver* body_observer = nullptr;
  // CopyObject and CompleteMultipartUpload may fail after a 200 status line.
  bool error_may_follow_200 = false;
  // Browser-form POSTs carry their authorisation in the form, not in headers.
  bool sign = true;
  // Object data (PutObject, UploadPart): aws-chunked when the session's payload mode says so.
  bool object_data = false;
  // Sent as x-amz-checksum-<algorithm>, or as the trailer of the trailer modes.
  std::optional<ChecksumAlgorithm> checksum{};
  // The hex SHA-256 of `body` when the caller computed it while writing the body (random
  // content); the signature then uses it instead of reading the body again. Only for a request
  // whose payload is signed as is (Session::hashes_object_data()).
  std::string_view payload_sha256{};
};

struct Reply {
  bool ok = false;
  unsigned status = 0;  // 0 when no response arrived
  // The S3 <Code> of a failure, or the transport failure ("timeout", "reset", ...).
  std::string error_code;
  int attempts = 1;
  http::Clock::time_point sent;      // first attempt handed to the pool
  http::Clock::time_point complete;  // last attempt finished
  // The last attempt's first response byte; the epoch when no response came.
  http::Clock::time_point first_byte;
  std::string etag;
  std::string version_id;  // x-amz-version-id; empty on unversioned buckets
  std::string body;        // kept unless discarded (XML answers)
  std::uint64_t body_bytes = 0;
  // The answer's Content-Length: for a HEAD, the object's size.
  std::optional<std::uint64_t> content_length;
};

class Exchange {
 public:
  using Done = std::function<void(Reply&)>;

  explicit Exchange(Session& session);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // The spec's views must stay valid until `done` runs.
  void start(const RequestSpec& spec, Done done);

  // The x-amz-checksum-* value the last request sent (header or trailer); empty without one.
  const std::string& sent_checksum() const { return checksum_value_; }

 private:
  // The headers the body's encoding and checksum add (into extra_headers_); the mode it goes in.
  ChunkedMode add_body_headers(const RequestSpec& spec);
  void sign(const RequestSpec& spec, std::string_view path, std::string_view query,
            ChunkedMode mode);
  // What x-amz-content-sha256 says of a body sent as is: its hex SHA-256, or UNSIGNED-PAYLOAD.
  // Worked out once per request (a random body is hashed once for it and a SHA-256 checksum).
  std::string_view payload_hash(const RequestSpec& spec);
  // Frames spec.body aws-chunked into encoded_body_, chained from the request's signature.
  void encode_chunked(const RequestSpec& spec, ChunkedMode mode);
  sigv4::Digest remembered_digest(std::string_view chunk);
  void on_result(http::Result& result);

  Session& session_;
  http::Request request_;
  http::RetryingSender sender_;
  std::string host_;
  std::string target_;
  std::vector<sigv4::Header> signed_headers_;
  std::vector<sigv4::Header> extra_headers_;
  std::string checksum_value_;
  std::string_view payload_hash_;  // this request's; a view of spec or of session_'s memory
  std::string decoded_length_;
  std::string encoded_body_;
  std::string seed_signature_;
  // SHA-256 of the chunks cut from the shared payload buffer, by offset and size: the same bytes
  // go out again and again, as Session::payload_hash remembers for whole bodies.
  std::unordered_map<std::uint64_t, sigv4::Digest> chunk_digests_;
  ChunkDigest chunk_digest_;
  sigv4::AmzDate signed_at_;
  bool error_may_follow_200_ = false;
  Done done_;
  Reply reply_;
};

}  // namespace s3storm::s3
