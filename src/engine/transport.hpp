#pragma once

// How a run reaches its S3 endpoint: addressing, signing and retries (s3::SessionConfig), the
// connection pool's timeouts, and TLS; the same for setup, the phases and cleanup.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/connection_pool.hpp"
#include "s3/session.hpp"
#include "scenario/model.hpp"

namespace s3storm::engine {

struct Transport {
  s3::SessionConfig session;
  http::PoolOptions pool;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null for http://
};

// `insecure`: skip TLS peer verification whatever the scenario says (--insecure).
Transport make_transport(const scenario::Target& target, const std::string& endpoint_url,
                         const sigv4::Credentials& credentials,
                         std::shared_ptr<const sigv4::CredentialFeed> credential_feed,
                         bool insecure);

// target.endpoints parsed, in order (they were checked at load); empty with one endpoint.
std::vector<http::Endpoint> endpoints_of(const scenario::Target& target);

}  // namespace s3storm::engine
