#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace s3storm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// The status line and fields of `reply` as they go on the wire, into `out` (cleared first).
void serialize_response_header(const bhttp::response<bhttp::string_body>& reply, std::string& out) {
  out.clear();
  out.append(reply.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  const unsigned status = reply.result_int();
  out += static_cast<char>('0' + status / 100 % 10);
  out += static_cast<char>('0' + status / 10 % 10);
  out += static_cast<char>('0' + status % 10);
  out += ' ';
  out.append(reply.reason());
  out.append("\r\n");
  for (const auto& field : reply.base()) {
    out.append(field.name_string());
    out.append(": ");
    out.append(field.value());
    out.append("\r\n");
  }
  out.append("\r\n");
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// After refusing a request we drain what the client is still sending for a moment before closing:
// closing a socket with unread data makes the kernel send a reset, and the client would see
// "connection reset" instead of our 413/408.
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;

}  // namespace

std::string_view ServerRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

void ServerResponse::set_header(std::string name, std::string value) {
  for (auto& [n, v] : headers) {
    if (iequals(n, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

struct AtomicCounters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> rejected_too_large{0};
  std::atomic<std::uint64_t> rejected_timeout{0};
  std::atomic<std::uint64_t> rejected_bad_request{0};
  std::atomic<std::uint64_t> resets{0};
  std::atomic<std::uint64_t> handler_errors{0};
};

class Session;

// What sessions share with the server: options, handler, counters, and the registry stop() uses.
struct SessionContext {
  ServerOptions options;
  ServerHandler handler;
  AtomicCounters counters;

  std::mutex mutex;
  std::condition_variable all_closed;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
  std::uint64_t next_id = 0;
  bool stopping = false;
  std::atomic<bool> stopping_now{false};  // read without the mutex on the request path
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, SessionContext& context)
      : stream_(std::move(socket)), deadline_(stream_.get_executor()), context_(context) {}

  ~Session() {
    if (!registered_) return;
    std::lock_guard lock(context_.mutex);
    context_.sessions.erase(id_);
    if (context_.sessions.empty()) context_.all_closed.notify_all();
  }

  // Returns false when the server is already stopping (the session then just ends).
  bool register_self() {
    std::lock_guard lock(context_.mutex);
    if (context_.stopping) return false;
    id_ = context_.next_id++;
    context_.sessions.emplace(id_, weak_from_this());
    registered_ = true;
    return true;
  }

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

  // From stop(): idle connections close now, busy ones after their current response.
  void wind_down() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->awaiting_header_ && self->buffer_.size() == 0) self->stream_.cancel();
    });
  }

  void force_close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    });
  }

 private:
  void read_header() {
    if (stopping_) return close();
    parser_.emplace();
    parser_->body_limit(context_.options.body_limit);
    parser_->header_limit(context_.options.header_limit);
    awaiting_header_ = true;
    arm_read_deadline(context_.options.header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    awaiting_header_ = false;
    deadline_.cancel();
    ++deadline_generation_;
    if (ec) return on_read_error(ec, /*header_phase=*/true);
    const auto& req = parser_->get();
    if (iequals(req[bhttp::field::expect], "100-continue")) {
      // Clients such as botocore wait for this before sending a large body.
      continue_ = std::make_unique<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       req.version());
      stream_.expires_after(context_.options.body_timeout);
      bhttp::async_write(stream_, *continue_,
                         beast::bind_front_handler(&Session::on_continue, shared_from_this()));
      return;
    }
    read_body();
  }

  void on_continue(beast::error_code ec, std::size_t) {
    if (ec) return close();
    read_body();
  }

  void read_body() {
    arm_read_deadline(context_.options.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  // tcp_stream's own timeout closes the socket, which would leave no way to answer 408; so reads
  // run under this timer, which only cancels them.
  void arm_read_deadline(std::chrono::milliseconds timeout) {
    stream_.expires_never();
    timed_out_ = false;
    deadline_.expires_after(timeout);
    deadline_.async_wait(
        [self = shared_from_this(), gen = ++deadline_generation_](beast::error_code ec) {
          if (ec || gen != self->deadline_generation_) return;
          self->timed_out_ = true;
          beast::error_code ignored;
          self->stream_.socket().cancel(ignored);
        });
  }

  void on_read_error(beast::error_code ec, bool header_phase) {
    if (ec == asio::error::operation_aborted && timed_out_) ec = beast::error::timeout;
    if (ec == bhttp::error::body_limit) {
      ++context_.counters.rejected_too_large;
      return reject(bhttp::status::payload_too_large);
    }
    if (ec == beast::error::timeout) {
      // Silence on an idle keep-alive connection is normal; a stalled partial request is not.
      if (header_phase && buffer_.size() == 0) return close();
      ++context_.counters.rejected_timeout;
      return reject(bhttp::status::request_timeout);
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      ++context_.counters.rejected_bad_request;
      return reject(bhttp::status::bad_request);
    }
    close();  // peer closed, reset, or we were cancelled
  }

  void on_body(beast::error_code ec, std::size_t) {
    deadline_.cancel();
    ++deadline_generation_;
    if (ec) return on_read_error(ec, /*header_phase=*/false);
    auto message = parser_->release();
    ++context_.counters.requests;

    request_.method.assign(message.method_string());
    request_.target.assign(message.target());
    // Assigned in place, not cleared and re-added, so the strings keep their capacity from the
    // connection's previous request.
    std::size_t header_count = 0;
    for (const auto& field : message) {
      if (header_count == request_.headers.size()) request_.headers.emplace_back();
      auto& [name, value] = request_.headers[header_count++];
      name.assign(field.name_string());
      value.assign(field.value());
    }
    request_.headers.resize(header_count);
    request_.body = std::move(message.body());
    if (!remote_known_) {  // one getpeername per connection, not one per request
      beast::error_code ignored;
      auto remote = stream_.socket().remote_endpoint(ignored);
      request_.remote_address = ignored ? std::string() : remote.address().to_string();
      remote_known_ = true;
    }

    ServerResponse response;
    try {
      context_.handler(request_, response);
    } catch (const std::exception&) {
      ++context_.counters.handler_errors;
      response = ServerResponse{};
      response.status = 500;
    }
    if (response.reset_connection) {
      ++context_.counters.resets;
      return reset();
    }

    auto reply = std::make_unique<bhttp::response<bhttp::string_body>>();
    reply->version(message.version());
    reply->result(response.status);
    bool has_length = false;
    for (auto& [name, value] : response.headers) {
      if (iequals(name, "content-length")) has_length = true;
      reply->insert(name, value);
    }
    reply->body() = std::move(response.body);
    // A HEAD answer may announce the length of the body it does not send.
    if (!(has_length && message.method() == bhttp::verb::head)) reply->prepare_payload();
    reply->keep_alive(message.keep_alive() && !stopping_ && !context_.stopping_now);
    write(std::move(reply));
  }

  void write(std::unique_ptr<bhttp::response<bhttp::string_body>> reply) {
    reply_ = std::move(reply);
    stream_.expires_after(context_.options.body_timeout);
    if (reply_->chunked()) {
      bhttp::async_write(stream_, *reply_,
                         beast::bind_front_handler(&Session::on_write, shared_from_this()));
      return;
    }
    // Header and body as two plain buffers: Beast's serializer walks nested buffer views that
    // cost ~21,000 instructions per response under callgrind (bench/RESULTS.md).
    serialize_response_header(*reply_, header_);
    const auto& body = reply_->body();
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(header_),
                                                    asio::buffer(body.data(), body.size())};
    asio::async_write(stream_, buffers,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    const bool keep_alive = reply_->keep_alive();
    reply_.reset();
    if (!keep_alive) return close();
    read_header();
  }

  // Answers with an error status, then closes after draining what the client still sends.
  void reject(bhttp::status status) {
    auto reply = std::make_unique<bhttp::response<bhttp::string_body>>(status, 11);
    reply->keep_alive(false);
    reply->prepare_payload();
    reply_ = std::move(reply);
    stream_.expires_after(context_.options.body_timeout);
    bhttp::async_write(stream_, *reply_, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) return self->close();
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->drained_ = 0;
      self->stream_.expires_after(kLingerTime);
      self->drain();
    });
  }

  void drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerBytes) return self->close();
                              self->drain();
                            });
  }

  void reset() {
    beast::error_code ignored;
    stream_.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    stream_.socket().close(ignored);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  asio::steady_timer deadline_;
  std::uint64_t deadline_generation_ = 0;
  bool timed_out_ = false;
  SessionContext& context_;
  std::uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::unique_ptr<bhttp::response<bhttp::empty_body>> continue_;
  std::unique_ptr<bhttp::response<bhttp::string_body>> reply_;
  ServerRequest request_;  // reused so its strings keep their capacity
  std::string header_;     // the response header as sent, reused likewise
  bool remote_known_ = false;
  std::size_t drained_ = 0;
  bool registered_ = false;
  bool awaiting_header_ = false;
  bool stopping_ = false;
};

struct Server::Impl {
  explicit Impl(ServerOptions options, ServerHandler handler)
      : io(static_cast<int>(std::max(1u, options.threads))), acceptor(asio::make_strand(io)) {
    context.options = std::move(options);
    context.handler = std::move(handler);
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        return accept();  // e.g. too many open files: keep serving the connections we have
      }
      ++context.counters.connections;
      auto session = std::make_shared<Session>(std::move(socket), context);
      if (session->register_self()) session->run();
      accept();
    });
  }

  asio::io_context io;
  tcp::acceptor acceptor;
  SessionContext context;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  bool running = false;
};

Server::Server(ServerOptions options, ServerHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() {
  stop();
}

void Server::start() {
  auto& im = *impl_;
  if (im.running) return;
  const auto& opts = im.context.options;
  try {
    tcp::endpoint endpoint(asio::ip::make_address(opts.address), opts.port);
    im.acceptor.open(endpoint.protocol());
    im.acceptor.set_option(asio::socket_base::reuse_address(true));
    im.acceptor.bind(endpoint);
    im.acceptor.listen(asio::socket_base::max_listen_connections);
    im.bound_port = im.acceptor.local_endpoint().port();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + opts.address + ":" + std::to_string(opts.port) +
                             ": " + e.what());
  }
  im.accept();
  im.running = true;
  for (unsigned i = 0; i < std::max(1u, opts.threads); ++i) {
    im.threads.emplace_back([&im] { im.io.run(); });
  }
}

void Server::stop() {
  auto& im = *impl_;
  if (!im.running) return;
  im.running = false;
  im.context.stopping_now = true;
  asio::post(im.acceptor.get_executor(), [&im] {
    beast::error_code ignored;
    im.acceptor.close(ignored);
  });

  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(im.context.mutex);
    im.context.stopping = true;
    for (auto& [id, weak] : im.context.sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->wind_down();
  live.clear();  // the sessions' own handlers keep them alive while they work

  std::unique_lock lock(im.context.mutex);
  const bool drained = im.context.all_closed.wait_for(lock, im.context.options.stop_timeout,
                                                      [&] { return im.context.sessions.empty(); });
  if (!drained) {
    for (auto& [id, weak] : im.context.sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    lock.unlock();
    for (auto& s : live) s->force_close();
    live.clear();
  } else {
    lock.unlock();
  }
  for (auto& t : im.threads) t.join();
  im.threads.clear();
}

std::uint16_t Server::port() const {
  return impl_->bound_port;
}

const std::string& Server::address() const {
  return impl_->context.options.address;
}

ServerCounters Server::counters() const {
  const auto& c = impl_->context.counters;
  return {c.connections.load(),          c.requests.load(),
          c.rejected_too_large.load(),   c.rejected_timeout.load(),
          c.rejected_bad_request.load(), c.resets.load(),
          c.handler_errors.load()};
}

}  // namespace s3storm::http
