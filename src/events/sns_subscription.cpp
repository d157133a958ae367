#include "events/sns_subscription.hpp"

// clang-format off
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>: it must come first.
#include <utility>
// clang-format on

#include <fmt/core.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <stdexcept>

#include "util/url.hpp"

namespace s3storm::events {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string host_header;
  std::string target;
};

Url split_url(const std::string& url) {
  std::string_view why;
  const auto split = split_http_url(url, &why);
  if (!split) throw std::runtime_error("SubscribeURL " + url + ": " + std::string(why));
  // A fragment is never sent.
  const std::string target = split->target.substr(0, split->target.find('#'));
  return {split->https, split->host, std::to_string(split->port), split->host_header(),
          target.empty() || target.front() != '/' ? "/" + target : target};
}

template <typename Stream>
asio::awaitable<void> get(Stream& stream, const Url& url, unsigned& status) {
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, url.target, 11};
  request.set(bhttp::field::host, url.host_header);
  request.set(bhttp::field::user_agent, "s3storm");
  co_await bhttp::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  co_await bhttp::async_read(stream, buffer, response, asio::use_awaitable);
  status = response.result_int();
}

asio::awaitable<void> confirm(const Url& url, std::chrono::milliseconds timeout, unsigned& status) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  const auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  if (!url.tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_await get(stream, url, status);
    co_return;
  }
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw std::runtime_error("cannot set the TLS server name for " + url.host);
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  co_await get(stream, url, status);
}

}  // namespace

void fetch_subscribe_url(const std::string& text, std::chrono::milliseconds timeout) {
  const Url url = split_url(text);
  asio::io_context io;
  unsigned status = 0;
  std::exception_ptr failure;
  asio::co_spawn(io, confirm(url, timeout, status),
                 [&failure](std::exception_ptr e) { failure = e; });
  // The stream deadlines cover connect/read/write; this also bounds name resolution.
  io.run_for(timeout + std::chrono::seconds(1));
  if (failure) std::rethrow_exception(failure);
  if (status == 0) throw std::runtime_error("SubscribeURL did not answer in time");
  if (status < 200 || status > 299) {
    throw std::runtime_error(fmt::format("SubscribeURL answered HTTP {}", status));
  }
}

}  // namespace s3storm::events
