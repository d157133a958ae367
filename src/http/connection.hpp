#pragma once

// One keep-alive connection of a ConnectionPool (internal to src/http). Shaped like Beast's client
// examples: the connection owns its socket, buffer and parser, and stays alive through
// shared_from_this while an operation is pending. Unlike them it drives the socket directly and
// keeps one deadline per request (see arm_deadline): the composed Beast operations and the
// per-operation timer of beast::tcp_stream were a third of the client's time per request.

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "http/connection_pool.hpp"
#include "http/message.hpp"

namespace s3storm::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// The concrete executor, not any_io_executor: the type-erased one is copied and destroyed in
// every operation, which showed per request in the profile.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using TlsStream = beast::ssl_stream<Socket>;
using DeadlineTimer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

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

// An interim response (100 Continue, 103 Early Hints) may come before the final one, asked for or
// not (RFC 9110, 15.2); a client skips it. 101 would switch protocols and is final here.
inline bool is_interim_status(unsigned status) {
  return status >= 100 && status < 200 && status != 101;
}

// Fills a Response straight from the bytes on the wire: no message object, no field
// allocations. A fresh one per response costs a few stores (basic_parser allocates only when a
// header arrives split over several buffers, which a flat buffer never passes it).
class ResponseParser final : public bhttp::basic_parser<false> {
 public:
  ResponseParser(Response& response, ResponseHeaders& headers, std::size_t body_limit,
                 bool keep_body, BodyObserver* observer)
      : response_(response),
        headers_(headers),
        body_limit_(body_limit),
        keep_body_(keep_body),
        observer_(observer) {}

 private:
  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int,
                       beast::error_code& ec) override {
    ec = bhttp::error::bad_version;  // unreachable: this parser reads responses
  }
  void on_response_impl(int code, beast::string_view, int, beast::error_code&) override {
    response_.status = static_cast<unsigned>(code);
    if (observer_ != nullptr) observer_->on_response(response_.status);
  }
  void on_field_impl(bhttp::field name, beast::string_view name_string, beast::string_view value,
                     beast::error_code&) override {
    const std::string_view text(value.data(), value.size());
    headers_.add({name_string.data(), name_string.size()}, text);
    if (name == bhttp::field::etag) {
      response_.etag.assign(text);
    } else if (name == bhttp::field::unknown &&
               beast::iequals(name_string, beast::string_view("x-amz-request-id"))) {
      response_.request_id.assign(text);
    } else if (name == bhttp::field::unknown &&
               beast::iequals(name_string, beast::string_view("x-amz-version-id"))) {
      response_.version_id.assign(text);
    }
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    if (observer_ != nullptr) observer_->on_body(response_.body_bytes, {body.data(), body.size()});
    response_.body_bytes += body.size();
    if (keep_body_) {
      const std::size_t held = response_.body.size();
      const std::size_t room = body_limit_ > held ? body_limit_ - held : 0;
      const std::size_t keep = std::min(room, body.size());
      response_.body.append(body.data(), keep);
      if (keep < body.size()) response_.body_truncated = true;
    }
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code& ec) override {
    return on_body_impl(body, ec);
  }
  void on_finish_impl(beast::error_code&) override {}

  Response& response_;
  ResponseHeaders& headers_;
  std::size_t body_limit_;
  bool keep_body_;
  BodyObserver* observer_;
};

template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... StreamArgs>
  Connection(std::shared_ptr<ConnectionOwner> owner, const ConnectionSettings& settings,
             asio::io_context& io, StreamArgs&&... stream_args)
      : owner_(std::move(owner)),
        settings_(settings),
        stream_(io, std::forward<StreamArgs>(stream_args)...),
        timer_(io) {}

  void start(const Request& request, Completion done, Clock::time_point queued) override {
    request_ = &request;
    done_ = std::move(done);
    in_flight_ = true;
    result_.outcome = Outcome::kOk;
    result_.error = {};
    result_.attempts = 1;
    result_.reused_connection = used_;
    result_.timing = Timing{};
    result_.timing.queued = queued;
    auto& response = result_.response;
    response.status = 0;
    response.etag.clear();
    response.request_id.clear();
    response.version_id.clear();
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
    timer_armed_ = false;
    timer_.cancel();
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, Socket>;

  // The deadline of what is in flight (connect and handshake, or the whole request). The timer
  // is not re-armed per request: when it fires it only compares the clock with deadline_ and
  // waits again for a later one, so a request costs one store instead of a timer wait and cancel.
  void arm_deadline(Clock::time_point deadline) {
    deadline_ = deadline;
    if (timer_armed_ && timer_.expiry() <= deadline) return;
    // Moving the expiry earlier cancels the wait in flight; its handler sees the error and leaves.
    timer_.expires_at(deadline);
    timer_armed_ = true;
    timer_.async_wait(beast::bind_front_handler(&Connection::on_timer, this->shared_from_this()));
  }

  void on_timer(beast::error_code ec) {
    if (ec) return;  // re-armed earlier, or closed
    timer_armed_ = false;
    if (!in_flight_) return;
    if (Clock::now() < deadline_) return arm_deadline(deadline_);
    // Closing aborts the pending operation, whose handler reports the timeout.
    timed_out_ = true;
    close();
  }

  // The error a failed operation reports: a timeout if the deadline closed the socket under it.
  beast::error_code reported(beast::error_code ec) const {
    return timed_out_ ? beast::error_code(beast::error::timeout) : ec;
  }

  void connect() {
    arm_deadline(Clock::now() + settings_.options.connect_timeout);
    asio::async_connect(
        beast::get_lowest_layer(stream_), settings_.addresses,
        beast::bind_front_handler(&Connection::on_connect, this->shared_from_this()));
  }

  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    if (ec) return fail(Outcome::kConnectFailed, reported(ec));
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      const auto& name = settings_.tls_server_name;
      // SNI must carry a DNS name, never an IP literal (RFC 6066).
      if (!settings_.server_name_is_ip &&
          !SSL_set_tlsext_host_name(stream_.native_handle(), name.c_str())) {
        return fail(Outcome::kTlsFailed, beast::error_code(static_cast<int>(::ERR_get_error()),
                                                           asio::error::get_ssl_category()));
      }
      stream_.set_verify_callback(asio::ssl::host_name_verification(name));
      stream_.async_handshake(
          asio::ssl::stream_base::client,
          beast::bind_front_handler(&Connection::on_handshake, this->shared_from_this()));
    } else {
      connected_ = true;
      write();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(Outcome::kTlsFailed, reported(ec));
    connected_ = true;
    write();
  }

  // asio::async_write's default condition offers the socket 64 KiB per call, so a 64 MiB body
  // took 1,024 send() calls and as many epoll_wait()s. Offered whole, the kernel took what its
  // send buffer held (~40 calls, the least CPU), but the bursts left a loopback reader idle 5-10%
  // of the time and single-stream PUTs 15% slower than curl's. 256 KiB kept the reader as busy as
  // 64 KiB did, for 10-20% less CPU per byte (bench/RESULTS.md, session 13). TLS streams write one
  // record per call whatever the offer.
  static std::size_t write_offer(const beast::error_code& ec, std::size_t) {
    constexpr std::size_t kWriteOffer = 256 * 1024;
    return ec ? 0 : kWriteOffer;
  }

  void write() {
    used_ = true;
    arm_deadline(Clock::now() + settings_.options.request_timeout);
    const std::string* head = &request_->head;
    if (head->empty()) {
      serialize_header(request_->message, header_);
      head = &header_;
    }
    const auto& body = request_->message.body();
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(*head),
                                                    asio::buffer(body.data(), body.size())};
    asio::async_write(stream_, buffers, write_offer,
                      beast::bind_front_handler(&Connection::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(classify(reported(ec)), reported(ec));
    result_.timing.written = Clock::now();
    start_parser();
    if (buffer_.size() > 0) return parse();
    read();
  }

  void start_parser() {
    headers_.clear();
    parser_.emplace(result_.response, headers_, settings_.options.response_body_limit,
                    !request_->discard_body, request_->body_observer);
    // Bodies are counted as they stream past and kept only up to the limit: any size is fine.
    // Not boost::none: Boost 1.74 compares the length with the optional and so rejects every
    // body when the limit is "disabled".
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->eager(true);
    if (request_->message.method() == bhttp::verb::head) parser_->skip(true);
  }

  void read() {
    stream_.async_read_some(
        buffer_.prepare(kReadSize),
        beast::bind_front_handler(&Connection::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec == asio::error::eof && parser_->got_some()) {
      // The end of a response delimited by the connection's close, or a cut one.
      ec = {};
      parser_->put_eof(ec);
      if (ec) return fail(classify(ec), ec);
      return finish();
    }
    if (ec) return fail(classify(reported(ec)), reported(ec));
    if (result_.timing.first_byte == Clock::time_point{}) result_.timing.first_byte = Clock::now();
    buffer_.commit(n);
    parse();
  }

  void parse() {
    beast::error_code ec;
    while (buffer_.size() > 0) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) break;
      if (ec) return fail(classify(ec), ec);
      if (parser_->is_done()) {
        if (!is_interim_status(result_.response.status)) return finish();
        auto& response = result_.response;
        response.etag.clear();
        response.request_id.clear();
        response.version_id.clear();
        start_parser();
        continue;
      }
      if (used == 0) break;
    }
    read();
  }

  void finish() {
    in_flight_ = false;
    result_.timing.complete = Clock::now();
    if (auto length = parser_->content_length()) result_.response.content_length = *length;
    result_.response.headers = &headers_;
    // Leftover bytes would be a response nobody asked for: do not trust this connection again.
    reusable_ = parser_->keep_alive() && buffer_.size() == 0;
    if (!reusable_) close();
    owner_->on_done(this->shared_from_this());
  }

  void fail(Outcome outcome, beast::error_code ec) {
    in_flight_ = false;
    result_.outcome = outcome;
    result_.error = ec;
    result_.timing.complete = Clock::now();
    result_.response.headers = nullptr;
    close();
    owner_->on_done(this->shared_from_this());
  }

  // One read takes what the kernel has, up to this; a 1 KiB reply arrives in one.
  static constexpr std::size_t kReadSize = 64 * 1024;

  std::shared_ptr<ConnectionOwner> owner_;
  const ConnectionSettings& settings_;
  Stream stream_;
  DeadlineTimer timer_;
  Clock::time_point deadline_{};
  beast::flat_buffer buffer_;
  std::string header_;  // the request's header as sent, reused across requests
  ResponseHeaders headers_;
  std::optional<ResponseParser> parser_;
  bool connected_ = false;
  bool in_flight_ = false;
  bool timer_armed_ = false;
  bool timed_out_ = false;
};

}  // namespace s3storm::http::detail
