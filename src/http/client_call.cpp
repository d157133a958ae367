#include "http/client_call.hpp"

#include <boost/beast/http/verb.hpp>

#include "http/connection_pool.hpp"
#include "http/tls.hpp"
#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::http {

bool run_until_done(boost::asio::io_context& io, const bool& done,
                    std::chrono::steady_clock::time_point deadline) {
  io.restart();
  while (!done && std::chrono::steady_clock::now() < deadline) {
    const auto ran = deadline == std::chrono::steady_clock::time_point::max()
                         ? io.run_one()
                         : io.run_one_until(deadline);
    if (ran == 0 && io.stopped()) break;
  }
  return done;
}

CallAnswer call(const CallRequest& call) {
  std::string_view why;
  const auto url = split_http_url(call.url, &why);
  if (!url) throw CallError("invalid URL: " + std::string(why));
  const std::string where = url->host_header();
  const Endpoint endpoint{url->https ? Scheme::kHttps : Scheme::kHttp, url->host, url->port};
  std::string target = url->target.substr(0, url->target.find('#'));
  if (target.empty() || target.front() != '/') target.insert(0, "/");

  boost::asio::io_context io;
  PoolOptions options;
  options.connect_timeout = call.timeout;
  options.request_timeout = call.timeout;
  try {
    const auto tls = url->https ? make_client_tls_context({true, call.ca_file}) : nullptr;
    ConnectionPool pool(io, endpoint, options, tls);
    Request request;
    prepare_request(request, boost::beast::http::string_to_verb(call.method), target, where,
                    call.body);
    for (const auto& [name, value] : call.headers) request.message.set(name, value);
    bool done = false;
    Outcome outcome = Outcome::kCancelled;
    CallAnswer answer;
    pool.async_send(request, [&](Result& result) {
      done = true;
      outcome = result.outcome;
      answer.status = result.response.status;
      answer.body = std::move(result.response.body);
    });
    // The pool's own deadlines cover connect, write and read; this also bounds name resolution.
    run_until_done(io, done,
                   std::chrono::steady_clock::now() + call.timeout + std::chrono::seconds(1));
    pool.close();
    if (!done) throw CallError(where + " did not answer in time");
    if (outcome != Outcome::kOk) throw CallError(where + ": " + std::string(to_string(outcome)));
    return answer;
  } catch (const UsageError& e) {
    throw CallError(e.what());  // the CA bundle could not be loaded
  } catch (const CallError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw CallError(where + ": " + e.what());  // e.g. the host name did not resolve
  }
}

}  // namespace s3storm::http
