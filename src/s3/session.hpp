#pragma once

// What one worker thread needs to talk S3 to one endpoint: the connection pool, a signer with its
// cached signing keys, the payload hashes it has already computed, and the addressing rules.
// One per worker; not thread-safe, by design (nothing is shared on the request path).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/endpoint.hpp"
#include "http/retry.hpp"
#include "http/sender.hpp"
#include "s3/aws_chunked_body.hpp"
#include "s3/payload.hpp"
#include "sigv4/amz_date.hpp"
#include "sigv4/credential_feed.hpp"
#include "sigv4/signer.hpp"
#include "util/time_source.hpp"

namespace s3storm::s3 {

struct SessionConfig {
  http::Endpoint endpoint;
  bool virtual_host = false;  // bucket.host/key instead of host/bucket/key
  bool sign_payload = true;   // false: UNSIGNED-PAYLOAD
  // Object data (PutObject, UploadPart bodies) aws-chunked in these chunks, or as is (kNone).
  ChunkedMode chunked = ChunkedMode::kNone;
  std::uint64_t chunk_size = 64 * 1024;
  std::string region = "us-east-1";
  sigv4::Credentials credentials;
  // When set, credentials that change during the run (refreshed temporary credentials); the
  // session signs with the feed's latest, and `credentials` is only the first of them.
  std::shared_ptr<const sigv4::CredentialFeed> credential_feed;
  http::RetryPolicy retry;
  // The clocks every latency, x-amz-date and timestamp of this session is read from.
  TimeSource time;
};

class Session {
 public:
  Session(boost::asio::io_context& io, http::Sender& sender, SessionConfig config,
          const Payload& payload, std::uint64_t seed);

  boost::asio::io_context& io() { return io_; }
  http::Sender& sender() { return sender_; }
  const TimeSource& time() const { return config_.time; }
  const SessionConfig& config() const { return config_; }
  const Payload& payload() const { return payload_; }
  // The signer, with the feed's latest credentials: one atomic load per call when none changed.
  sigv4::Signer& signer() {
    if (config_.credential_feed && config_.credential_feed->generation() != feed_generation_) {
      take_new_credentials();
    }
    return signer_;
  }
  const sigv4::Credentials& credentials() { return signer().credentials(); }
  http::UniformSource& uniform() { return uniform_; }

  // The x-amz-date for now, formatted once per second.
  const sigv4::AmzDate& now();

  // Hex SHA-256 of a body, or UNSIGNED-PAYLOAD. Slices of the payload buffer are remembered by
  // size, so a run of same-sized objects hashes its body once.
  std::string_view payload_hash(std::string_view body);
  // Whether a request's object data is signed by its SHA-256 (payload `signed`): then a caller
  // that writes the body itself can hash it as it writes (RequestSpec::payload_sha256).
  bool hashes_object_data() const {
    return config_.sign_payload && config_.chunked == ChunkedMode::kNone;
  }

  // Fills the Host header value and the request target for an object (key may be empty for a
  // bucket-level request; bucket empty for the service). query is already encoded, without '?'.
  void address(std::string& host, std::string& target, std::string_view bucket,
               std::string_view key, std::string_view query) const;

 private:
  boost::asio::io_context& io_;
  http::Sender& sender_;
  SessionConfig config_;
  const Payload& payload_;
  sigv4::Signer signer_;
  http::UniformSource uniform_;
  std::string host_header_;
  std::chrono::system_clock::time_point date_second_{};
  sigv4::AmzDate date_;
  std::unordered_map<std::uint64_t, std::string> slice_hashes_;
  std::string other_hash_;
  std::uint64_t feed_generation_ = 0;

  void take_new_credentials();
};

}  // namespace s3storm::s3
