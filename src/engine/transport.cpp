#include "engine/transport.hpp"

#include <algorithm>

#include "http/tls.hpp"

namespace s3storm::engine {

namespace {

// Object data goes aws-chunked in the streaming modes; the other bodies (XML) stay signed, but
// for unsigned-trailer, which signs no payload, as the SDKs that send it do.
s3::ChunkedMode chunked_mode(scenario::Payload payload) {
  switch (payload) {
    case scenario::Payload::kStreaming:
      return s3::ChunkedMode::kSigned;
    case scenario::Payload::kStreamingTrailer:
      return s3::ChunkedMode::kSignedTrailer;
    case scenario::Payload::kUnsignedTrailer:
      return s3::ChunkedMode::kUnsignedTrailer;
    default:
      return s3::ChunkedMode::kNone;
  }
}

template <class Duration>
std::chrono::milliseconds millis(Duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration);
}

}  // namespace

Transport make_transport(const scenario::Target& target, const std::string& endpoint_url,
                         const sigv4::Credentials& credentials,
                         std::shared_ptr<const sigv4::CredentialFeed> credential_feed,
                         bool insecure) {
  Transport out;
  out.session.endpoint = http::Endpoint::parse(endpoint_url);
  out.session.virtual_host = target.addressing == scenario::Addressing::kVirtualHost;
  out.session.sign_payload = target.payload != scenario::Payload::kUnsignedPayload &&
                             target.payload != scenario::Payload::kUnsignedTrailer;
  out.session.chunked = chunked_mode(target.payload);
  out.session.chunk_size = target.chunk_size;
  out.session.region = target.region;
  out.session.credentials = credentials;
  out.session.credential_feed = std::move(credential_feed);
  out.session.retry.max_retries = target.retries;
  out.pool.connect_timeout = millis(target.connect_timeout);
  out.pool.request_timeout = millis(target.request_timeout);
  out.pool.idle_timeout = millis(target.idle_timeout);
  const bool any_https =
      std::any_of(target.endpoints.begin(), target.endpoints.end(), [](const std::string& url) {
        return http::Endpoint::parse(url).scheme == http::Scheme::kHttps;
      });
  if (out.session.endpoint.scheme == http::Scheme::kHttps || any_https) {
    out.tls = http::make_client_tls_context({target.tls.verify && !insecure, target.tls.ca_file});
  }
  return out;
}

std::vector<http::Endpoint> endpoints_of(const scenario::Target& target) {
  std::vector<http::Endpoint> out;
  for (const auto& url : target.endpoints) out.push_back(http::Endpoint::parse(url));
  return out;
}

}  // namespace s3storm::engine
