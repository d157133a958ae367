#pragma once

// One keep-alive connection of a ConnectionPool (internal to src/http). Shaped like Beast's client
// examples: the connection owns its stream, buffer and parser, stays alive through
// shared_from_this while an operation is pending, and runs every operation under a deadline.

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "http/connection_pool.hpp"
#include "http/message.hpp"

namespace s3storm::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct ConnectionSettings {
  tcp::resolver::results_type addresses;
  PoolOptions options;
  std::string tls_server_name;
  bool server_name_is_ip = false;
};

class ConnectionBase;

class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  virtual void on_done(const std::shared_ptr<ConnectionBase>& connection) = 0;
};

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Connects first if needed, sends, reads the response, then calls owner.on_done(this).
  virtual void start(const Request& request, Completion done, Clock::time_point queued) = 0;
  virtual void close() = 0;

  Result& result() { return result_; }
  Completion take_completion() { return std::move(done_); }
  const Request* request() const { return request_; }
  // Healthy and keep-alive: may carry another request.
  bool reusable() const { return reusable_; }
  bool used() const { return used_; }

  Clock::time_point idle_since{};
  bool is_stale_retry = false;

 protected:
  Result result_;
  Completion done_;
  const Request* request_ = nullptr;
  bool reusable_ = false;
  bool used_ = false;
};

Outcome classify(const beast::error_code& ec);

template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... StreamArgs>
  Connection(std::shared_ptr<ConnectionOwner> owner, const ConnectionSettings& settings,
             StreamArgs&&... stream_args)
      : owner_(std::move(owner)),
        settings_(settings),
        stream_(std::forward<StreamArgs>(stream_args)...) {}

  void start(const Request& request, Completion done, Clock::time_point queued) override {
    request_ = &request;
    done_ = std::move(done);
    result_.outcome = Outcome::ok;
    result_.error = {};
    result_.attempts = 1;
    result_.reused_connection = used_;
    result_.timing = Timing{};
    result_.timing.queued = queued;
    auto& response = result_.response;
    response.status = 0;
    response.etag.clear();
    response.request_id.clear();
    response.content_length.reset();
    response.body.clear();
    response.body_bytes = 0;
    response.body_truncated = false;
    response.headers = nullptr;
    if (connected_) return write();
    connect();
  }

  void close() override {
    reusable_ = false;
    connected_ = false;
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void connect() {
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(settings_.options.connect_timeout);
    lowest.async_connect(settings_.addresses, beast::bind_front_handler(&Connection::on_connect,
                                                                        this->shared_from_this()));
  }

  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    if (ec) return fail(Outcome::connect_failed, ec);
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      const auto& name = settings_.tls_server_name;
      // SNI must carry a DNS name, never an IP literal (RFC 6066).
      if (!settings_.server_name_is_ip &&
          !SSL_set_tlsext_host_name(stream_.native_handle(), name.c_str())) {
        return fail(Outcome::tls_failed, beast::error_code(static_cast<int>(::ERR_get_error()),
                                                           boost::asio::error::get_ssl_category()));
      }
      stream_.set_verify_callback(boost::asio::ssl::host_name_verification(name));
      stream_.async_handshake(
          boost::asio::ssl::stream_base::client,
          beast::bind_front_handler(&Connection::on_handshake, this->shared_from_this()));
    } else {
      connected_ = true;
      write();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(Outcome::tls_failed, ec);
    connected_ = true;
    write();
  }

  void write() {
    used_ = true;
    beast::get_lowest_layer(stream_).expires_after(settings_.options.request_timeout);
    serialize_header(request_->message, header_);
    const auto& body = request_->message.body();
    const std::array<boost::asio::const_buffer, 2> buffers{
        boost::asio::buffer(header_), boost::asio::buffer(body.data(), body.size())};
    boost::asio::async_write(
        stream_, buffers,
        beast::bind_front_handler(&Connection::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(classify(ec), ec);
    result_.timing.written = Clock::now();
    if (buffer_.size() > 0) return on_first_byte({}, 0);
    stream_.async_read_some(
        buffer_.prepare(kChunk),
        beast::bind_front_handler(&Connection::on_first_byte, this->shared_from_this()));
  }

  void on_first_byte(beast::error_code ec, std::size_t n) {
    if (ec) return fail(classify(ec), ec);
    buffer_.commit(n);
    result_.timing.first_byte = Clock::now();
    parser_.emplace();
    // Bodies stream through chunk_ and are never held whole, so any size is fine.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (request_->message.method() == bhttp::verb::head) parser_->skip(true);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Connection::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return fail(classify(ec), ec);
    const auto& message = parser_->get();
    auto& response = result_.response;
    response.status = message.result_int();
    response.etag = message[bhttp::field::etag];
    response.request_id = message["x-amz-request-id"];
    if (auto length = parser_->content_length()) response.content_length = *length;
    response.headers = &message.base();
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return finish();
    auto& body = parser_->get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    body.more = true;
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Connection::on_body, this->shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return fail(classify(ec), ec);
    const std::size_t n = chunk_.size() - parser_->get().body().size;
    auto& response = result_.response;
    response.body_bytes += n;
    if (!request_->discard_body) {
      const std::size_t limit = settings_.options.response_body_limit;
      const std::size_t room = limit > response.body.size() ? limit - response.body.size() : 0;
      const std::size_t keep = std::min(room, n);
      response.body.append(chunk_.data(), keep);
      if (keep < n) response.body_truncated = true;
    }
    read_body();
  }

  void finish() {
    beast::get_lowest_layer(stream_).expires_never();
    result_.timing.complete = Clock::now();
    // Leftover bytes would be a response nobody asked for: do not trust this connection again.
    reusable_ = parser_->get().keep_alive() && buffer_.size() == 0;
    if (!reusable_) close();
    owner_->on_done(this->shared_from_this());
  }

  void fail(Outcome outcome, beast::error_code ec) {
    result_.outcome = outcome;
    result_.error = ec;
    result_.timing.complete = Clock::now();
    result_.response.headers = nullptr;
    close();
    owner_->on_done(this->shared_from_this());
  }

  static constexpr std::size_t kChunk = 64 * 1024;

  std::shared_ptr<ConnectionOwner> owner_;
  const ConnectionSettings& settings_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string header_;  // the request's header as sent, reused across requests
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser_;
  std::array<char, kChunk> chunk_;
  bool connected_ = false;
};

}  // namespace s3storm::http::detail
