#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace s3storm::http {

struct TlsOptions {
  bool verify = true;   // peer verification; off for self-signed endpoints (--insecure)
  std::string ca_file;  // PEM bundle to trust instead of the system store
};

// One client context, shared by the pools of all workers (OpenSSL contexts are thread-safe once
// configured). Throws s3storm::UsageError when ca_file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options);

}  // namespace s3storm::http
