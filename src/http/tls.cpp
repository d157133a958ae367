#include "http/tls.hpp"

#include "util/usage_error.hpp"

namespace s3storm::http {

std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options) {
  namespace ssl = boost::asio::ssl;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options.verify) {
    context->set_verify_mode(ssl::verify_none);
    return context;
  }
  context->set_verify_mode(ssl::verify_peer);
  if (options.ca_file.empty()) {
    context->set_default_verify_paths();
  } else {
    boost::system::error_code ec;
    context->load_verify_file(options.ca_file, ec);
    if (ec)
      throw UsageError("tls.ca_file '" + options.ca_file + "': cannot load (" + ec.message() + ")");
  }
  return context;
}

}  // namespace s3storm::http
