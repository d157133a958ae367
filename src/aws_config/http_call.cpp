#include "aws_config/http_call.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>

#include "aws_config/credential_source.hpp"
#include "http/connection_pool.hpp"
#include "http/tls.hpp"
#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {

HttpAnswer call_http(const HttpCall& call) {
  std::string_view why;
  const auto url = split_http_url(call.url, &why);
  if (!url) throw CredentialError("invalid URL: " + std::string(why));
  const std::string where = url->host_header();
  http::Endpoint endpoint{url->https ? http::Scheme::https : http::Scheme::http, url->host,
                          url->port};
  std::string target = url->target.substr(0, url->target.find('#'));
  if (target.empty() || target.front() != '/') target.insert(0, "/");

  boost::asio::io_context io;
  http::PoolOptions options;
  options.connect_timeout = call.timeout;
  options.request_timeout = call.timeout;
  try {
    const auto tls = url->https ? http::make_client_tls_context({true, call.ca_file}) : nullptr;
    http::ConnectionPool pool(io, endpoint, options, tls);
    http::Request request;
    http::prepare_request(request, boost::beast::http::string_to_verb(call.method), target,
                          url->host_header(), call.body);
    for (const auto& [name, value] : call.headers) request.message.set(name, value);
    bool done = false;
    http::Outcome outcome = http::Outcome::cancelled;
    HttpAnswer answer;
    pool.async_send(request, [&](http::Result& result) {
      done = true;
      outcome = result.outcome;
      answer.status = result.response.status;
      answer.body = std::move(result.response.body);
    });
    // The pool keeps an idle connection (and its timer) after the answer: stop at the answer.
    const auto deadline = std::chrono::steady_clock::now() + call.timeout + std::chrono::seconds(1);
    while (!done && std::chrono::steady_clock::now() < deadline) io.run_one_until(deadline);
    pool.close();
    if (!done) throw CredentialError(where + " did not answer in time");
    if (outcome != http::Outcome::ok) {
      throw CredentialError(where + ": " + std::string(http::to_string(outcome)));
    }
    return answer;
  } catch (const UsageError& e) {
    throw CredentialError(e.what());  // the CA bundle could not be loaded
  } catch (const CredentialError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw CredentialError(where + ": " + e.what());  // e.g. the host name did not resolve
  }
}

}  // namespace s3storm::aws_config
