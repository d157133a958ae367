#include "http/server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "http/server_request_parser.hpp"
#include "http/server_response_header.hpp"
#include "http/server_string_reuse.hpp"
#include "util/ascii.hpp"

namespace s3storm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Each connection lives on one thread's io_context, so its handlers never run concurrently and
// need no strand; the concrete executor type avoids any_io_executor's type-erased copies per
// operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;
using SteadyClock = std::chrono::steady_clock;

// After refusing a request we drain what the client is still sending for a moment before closing:
// closing a socket with unread data makes the kernel send a reset, and the client would see
// "connection reset" instead of our 413/408.
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
constexpr std::size_t kReadSize = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// A connection keeps its request's body storage for the next request (most bodies on a
// connection are alike), but not a large one's: a thousand idle connections that once received
// a 64 MiB body would otherwise hold 64 GiB.
constexpr std::size_t kKeptBodyCapacity = 1024 * 1024;
// How long the acceptor rests after accept failed for want of descriptors or memory (see
// Server::Impl::on_accept_exhausted): long enough that a server at its limit stays idle, short
// enough that a client arriving meanwhile is turned away promptly.
constexpr std::chrono::milliseconds kAcceptBackoff{100};
// Once the server is stopping, an answer being written must keep moving: a peer that takes
// nothing for this long is cut. The request was carried out already, and a client that asks
// and never reads would otherwise hold the stop for all of stop_timeout (issue #18: a stuck
// --metrics scraper made a run's end 5 s late). A slow reader that reads still gets its answer.
constexpr std::chrono::milliseconds kStopWriteStall{1'000};
// At most this many queued connections are turned away per back-off (a bound on one pass; the
// listen backlog holds at most somaxconn, 4096 by default).
constexpr int kShedLimit = 4096;

// accept() failed because the process or the system ran out of descriptors or kernel memory:
// the connection stays queued and the listening socket stays readable.
bool out_of_resources(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int e = ec.value();
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
}

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec.category() == boost::system::system_category() &&
         (ec.value() == EMFILE || ec.value() == ENFILE);
}

int open_reserve_descriptor() {
  return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace

std::string_view ServerRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (ascii::iequals(n, name)) return v;
  }
  return {};
}

void ServerResponse::set_header(std::string_view name, std::string_view value) {
  for (auto& [n, v] : headers) {
    if (ascii::iequals(n, name)) {
      assign_reusing(v, value);
      return;
    }
  }
  if (next_spare_ == spare_headers_.size()) {
    headers.emplace_back(std::string(name), std::string(value));
    return;
  }
  // Reuse the storage of a header from an earlier response on this connection.
  auto& spare = spare_headers_[next_spare_++];
  if (spare.first != name) assign_reusing(spare.first, name);
  assign_reusing(spare.second, value);
  headers.push_back(std::move(spare));
}

void ServerResponse::clear() {
  status = 200;
  if (next_spare_ == spare_headers_.size()) {
    // Every spare went back into use (the usual case): this response's headers become the
    // spares, in the order set_header will ask for them again.
    spare_headers_.swap(headers);
  } else {
    spare_headers_.erase(spare_headers_.begin(),
                         spare_headers_.begin() + static_cast<std::ptrdiff_t>(next_spare_));
    for (auto& header : headers) spare_headers_.push_back(std::move(header));
  }
  next_spare_ = 0;
  headers.clear();
  body.clear();
  reset_connection = false;
  delay = std::chrono::microseconds{0};
}

struct AtomicCounters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> rejected_too_large{0};
  std::atomic<std::uint64_t> rejected_timeout{0};
  std::atomic<std::uint64_t> rejected_bad_request{0};
  std::atomic<std::uint64_t> resets{0};
  std::atomic<std::uint64_t> handler_errors{0};
  std::atomic<std::uint64_t> refused_at_header{0};
  std::atomic<std::uint64_t> rejected_over_budget{0};
  std::atomic<std::uint64_t> body_bytes{0};  // charged to ServerOptions::body_budget now
  std::atomic<std::uint64_t> body_bytes_peak{0};
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
  Session(Socket&& socket, SessionContext& context)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), context_(context) {}

  ~Session() {
    release_body();
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

  // On the session's own thread.
  void start() {
    // Only synchronous writes see this (answer() tries one first); asynchronous operations keep
    // their own non-blocking mode.
    beast::error_code ec;
    socket_.non_blocking(true, ec);
    if (ec) return close();
    start_request();
  }

  // From stop(): idle connections close now, busy ones after their current response.
  void wind_down() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->idle()) return self->cancel_socket();
      if (self->writing_) {
        self->begin_phase(kStopWriteStall);
        self->watch_deadline();
      }
    });
  }

  void force_close() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

 private:
  // Waiting for a request that has not started to arrive.
  bool idle() const { return reading_ && awaiting_header_ && parser_ && !parser_->got_some(); }

  void start_request() {
    if (stopping_) return close();
    parser_.emplace(request_);
    // Not eager at first: the parser stops once the header is in, so the body is admitted
    // (admit_body) before any of it is parsed.
    parser_->eager(false);
    parser_->body_limit(context_.options.body_limit);
    parser_->header_limit(context_.options.header_limit);
    awaiting_header_ = true;
    begin_phase(context_.options.header_timeout);
    parse_buffered();
  }

  // Feeds what the buffer holds to the parser; reads more, answers, or refuses.
  void parse_buffered() {
    while (buffer_.size() > 0 && !parser_->is_done()) {
      beast::error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) break;
      if (ec) return on_read_error(ec);
      if (awaiting_header_ && parser_->is_header_done()) break;
      if (used == 0) break;
    }
    if (awaiting_header_ && parser_->is_header_done()) {
      awaiting_header_ = false;
      if (parser_->has_transfer_encoding() && !parser_->chunked()) {
        // RFC 9112 6.3: the length of such a request cannot be known, so it must be refused
        // (400, close). Read as bodiless, its body would be taken as the next request: the
        // desync request smuggling needs.
        ++context_.counters.rejected_bad_request;
        return reject(400);
      }
      if (!admit_body()) return;
      parser_->eager(true);
      begin_phase(context_.options.body_timeout);
      if (parser_->expects_continue() && !parser_->is_done() && !body_buffered()) {
        // Clients such as botocore wait for this before sending a large body.
        watch_deadline();
        writing_ = true;
        asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            self->writing_ = false;
                            if (ec) return self->close();
                            self->read_more();
                          });
        return;
      }
      return parse_buffered();  // the body that came with the header
    }
    if (metered_ && request_.body.size() > charged_ && !charge(request_.body.size() - charged_)) {
      return;  // a chunked body outgrew the budget
    }
    if (parser_->is_done()) return on_request();
    read_more();
  }

  // The whole body came in with the header: it is in memory already, and at most one read's size.
  bool body_buffered() const {
    const auto length = parser_->content_length();
    return length && buffer_.size() >= *length;
  }

  // Decides from the header whether the body is read (see HeaderCheck), and charges it to the
  // body budget. False when the request was refused; its answer is on its way.
  bool admit_body() {
    if (parser_->is_done() || body_buffered()) return true;
    const ServerOptions& options = context_.options;
    std::uint64_t limit = options.body_limit;
    if (options.check_header) {
      response_.clear();
      BodyAdmission admission = BodyAdmission::kRefuse;
      try {
        admission = options.check_header(request_, response_);
      } catch (const std::exception&) {
        ++context_.counters.handler_errors;
        response_.clear();
        response_.status = 500;
      }
      if (admission == BodyAdmission::kRefuse) {
        ++context_.counters.refused_at_header;
        send_final({parser_->version(), parser_->is_head(), false});
        return false;
      }
      if (admission == BodyAdmission::kReadUnauthenticated) {
        limit = std::min(limit, options.unauthenticated_body_limit);
      }
    }
    const auto length = parser_->content_length();
    if (length && *length > limit) {
      ++context_.counters.rejected_too_large;
      refuse(413);
      return false;
    }
    parser_->body_limit(limit);  // a chunked body is held to it as its chunks arrive
    metered_ = true;
    return charge(length.value_or(0));
  }

  // Takes `bytes` more of the body budget for this request. When that would overspend it, the
  // request is answered (SlowDown, from over_budget) and the connection closed: false.
  bool charge(std::uint64_t bytes) {
    AtomicCounters& counters = context_.counters;
    const std::uint64_t total = counters.body_bytes.fetch_add(bytes) + bytes;
    const std::uint64_t budget = context_.options.body_budget;
    if (budget != 0 && total > budget) {
      counters.body_bytes.fetch_sub(bytes);
      ++counters.rejected_over_budget;
      refuse(503);
      return false;
    }
    charged_ += bytes;
    std::uint64_t peak = counters.body_bytes_peak.load(std::memory_order_relaxed);
    while (total > peak && !counters.body_bytes_peak.compare_exchange_weak(peak, total)) {
    }
    return true;
  }

  // The request is done with its body: its bytes go back to the budget.
  void release_body() {
    metered_ = false;
    if (charged_ != 0) context_.counters.body_bytes.fetch_sub(charged_);
    charged_ = 0;
    if (request_.body.capacity() > kKeptBodyCapacity) std::string().swap(request_.body);
  }

  void read_more() {
    watch_deadline();
    reading_ = true;
    socket_.async_read_some(buffer_.prepare(kReadSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->reading_ = false;
                              self->buffer_.commit(n);
                              if (ec == asio::error::eof) return self->close();
                              if (ec) return self->on_read_error(ec);
                              self->parse_buffered();
                            });
  }

  // Reads and writes run under the session's deadline rather than a socket timeout that closes
  // the socket, which would leave no way to answer 408. Each phase (header, body, answer) has its
  // own limit, and its clock starts when the session first waits in it: a request that arrives
  // whole and an answer that is written at once never read the clock. The timer is armed
  // lazily: moving the deadline is a store, and a wait that wakes before the (moved) deadline
  // just waits again, so a request does not cost a timer cancel and a new wait.
  void begin_phase(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    phase_timeout_ = timeout;
    phase_watched_ = false;
    deadline_ = SteadyClock::time_point::max();
  }

  void watch_deadline() {
    if (phase_watched_) return;  // a slow client's later reads do not move the deadline
    phase_watched_ = true;
    deadline_ = SteadyClock::now() + phase_timeout_;
    if (timer_waiting_ && timer_.expiry() <= deadline_) return;
    start_timer_wait();  // none pending, or the pending one wakes too late
  }

  void disarm_deadline() {
    phase_watched_ = true;
    deadline_ = SteadyClock::time_point::max();
  }

  void start_timer_wait() {
    timer_.expires_at(deadline_);  // cancels a pending wait, whose handler then just returns
    timer_waiting_ = true;
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec == asio::error::operation_aborted) return;
      self->timer_waiting_ = false;
      self->on_timer();
    });
  }

  void on_timer() {
    if (closed_ || deadline_ == SteadyClock::time_point::max()) return;
    if (SteadyClock::now() < deadline_) return start_timer_wait();
    timed_out_ = true;
    disarm_deadline();
    cancel_socket();  // the pending read or write completes with operation_aborted
  }

  void on_read_error(beast::error_code ec) {
    if (ec == asio::error::operation_aborted && timed_out_) ec = beast::error::timeout;
    if (ec == bhttp::error::body_limit) {
      ++context_.counters.rejected_too_large;
      return refuse(413);
    }
    if (ec == beast::error::timeout) {
      // Silence on an idle keep-alive connection is normal; a stalled partial request is not.
      if (awaiting_header_ && !parser_->got_some()) return close();
      ++context_.counters.rejected_timeout;
      return reject(408);
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      ++context_.counters.rejected_bad_request;
      return reject(400);
    }
    close();  // peer closed, reset, or we were cancelled
  }

  void on_request() {
    disarm_deadline();
    ++context_.counters.requests;
    if (!remote_known_) {  // one getpeername per connection, not one per request
      beast::error_code ignored;
      auto remote = socket_.remote_endpoint(ignored);
      request_.remote_address = ignored ? std::string() : remote.address().to_string();
      remote_known_ = true;
    }
    framing_.version = parser_->version();
    framing_.head_request = parser_->is_head();
    framing_.keep_alive = parser_->keep_alive();

    response_.clear();
    try {
      context_.handler(request_, response_);
    } catch (const std::exception&) {
      ++context_.counters.handler_errors;
      response_.clear();
      response_.status = 500;
    }
    release_body();
    if (response_.delay.count() > 0) {
      // A delay fault waits on a timer of its own, not on this thread.
      if (!delay_timer_) delay_timer_.emplace(socket_.get_executor());
      delay_timer_->expires_after(response_.delay);
      delay_timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->closed_) return self->close();
        self->answer();
      });
      return;
    }
    answer();
  }

  void answer() {
    if (response_.reset_connection) {
      ++context_.counters.resets;
      return reset();
    }
    framing_.keep_alive = framing_.keep_alive && !stopping_ && !context_.stopping_now;
    serialize_response_header(response_, framing_, header_);
    const bool send_body = status_allows_body(response_.status) && !framing_.head_request;
    const asio::const_buffer head = asio::buffer(header_);
    const asio::const_buffer body =
        asio::buffer(response_.body.data(), send_body ? response_.body.size() : 0);
    // Most answers fit the socket's send buffer: written here, they skip the reactor and a trip
    // through the event loop.
    beast::error_code ec;
    const std::size_t written = socket_.write_some(std::array{head, body}, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return close();
    if (written == head.size() + body.size()) {
      // The next request is read from the back of the loop's queue, after the other
      // connections' ready work: by then the client has usually sent it. Read at once, the read
      // mostly finds nothing and the request then costs a trip through epoll and a second
      // read (measured: 1.97 reads per request instead of 1.12).
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->answered(); });
      return;
    }
    const std::size_t body_written = written > head.size() ? written - head.size() : 0;
    begin_phase(stopping_ ? kStopWriteStall : context_.options.body_timeout);
    watch_deadline();
    writing_ = true;
    asio::async_write(
        socket_, std::array{head + written, body + body_written},
        // Called after each partial write: while stopping, progress moves the stall deadline.
        [this](const beast::error_code& write_ec, std::size_t transferred) {
          if (stopping_ && transferred > 0) deadline_ = SteadyClock::now() + kStopWriteStall;
          return asio::transfer_all()(write_ec, transferred);
        },
        [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
          self->writing_ = false;
          if (write_ec) return self->close();
          self->answered();
        });
  }

  void answered() {
    disarm_deadline();
    if (!framing_.keep_alive) return close();
    start_request();
  }

  // Answers with an error status, then closes after draining what the client still sends.
  void reject(unsigned status) {
    response_.clear();
    response_.status = status;
    send_final(ResponseFraming{11, false, false});
  }

  // Refuses a request whose header was read (413, 503) with answer_refusal's answer, and closes.
  void refuse(unsigned status) {
    response_.clear();
    response_.status = status;
    if (context_.options.answer_refusal) {
      try {
        context_.options.answer_refusal(request_, response_);
      } catch (const std::exception&) {
        response_.clear();
        response_.status = status;
      }
    }
    send_final({parser_->version(), parser_->is_head(), false});
  }

  // Answers response_ (its framing says no keep-alive), then closes after draining what the
  // client still sends.
  void send_final(const ResponseFraming& framing) {
    release_body();  // what the client still sends is drained, not kept
    serialize_response_header(response_, framing, header_);
    const bool send_body = status_allows_body(response_.status) && !framing.head_request;
    begin_phase(stopping_ ? kStopWriteStall : context_.options.body_timeout);
    watch_deadline();
    writing_ = true;
    asio::async_write(
        socket_,
        std::array{asio::buffer(header_),
                   asio::buffer(response_.body.data(), send_body ? response_.body.size() : 0)},
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          self->writing_ = false;
          if (ec) return self->close();
          beast::error_code ignored;
          self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
          self->drained_ = 0;
          self->begin_phase(kLingerTime);
          self->watch_deadline();
          self->drain();
        });
  }

  void drain() {
    buffer_.clear();
    socket_.async_read_some(buffer_.prepare(kReadSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerBytes) return self->close();
                              self->drain();
                            });
  }

  void cancel_socket() {
    beast::error_code ignored;
    socket_.cancel(ignored);
  }

  void reset() {
    beast::error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    socket_.close(ignored);
    stop_timers();
  }

  void close() {
    release_body();
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
    stop_timers();
  }

  // Pending waits hold the session alive; a closed session ends as soon as they are cancelled.
  void stop_timers() {
    closed_ = true;
    disarm_deadline();
    timer_.cancel();
    if (delay_timer_) delay_timer_->cancel();
  }

  Socket socket_;
  Timer timer_;
  std::optional<Timer> delay_timer_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  std::chrono::milliseconds phase_timeout_{0};
  bool phase_watched_ = true;
  bool timer_waiting_ = false;
  bool timed_out_ = false;
  SessionContext& context_;
  std::uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  ServerRequest request_;  // reused so its strings keep their capacity
  std::optional<ServerRequestParser> parser_;
  ServerResponse response_;  // reused likewise
  ResponseFraming framing_;
  std::string header_;  // the response header as sent, reused likewise
  bool remote_known_ = false;
  std::size_t drained_ = 0;
  std::uint64_t charged_ = 0;  // of the body budget, by the request being received
  bool metered_ = false;       // the body is charged as it grows (admit_body let it in)
  bool registered_ = false;
  bool awaiting_header_ = false;
  bool reading_ = false;
  bool writing_ = false;  // an async_write is pending (see wind_down)
  bool stopping_ = false;
  bool closed_ = false;
};

// A connection's descriptor on its way from the acceptor's thread to its worker's; closed if the
// worker never takes it (the server stopped first).
class AcceptedDescriptor {
 public:
  explicit AcceptedDescriptor(int descriptor) : descriptor_(descriptor) {}
  AcceptedDescriptor(AcceptedDescriptor&& other) noexcept
      : descriptor_(std::exchange(other.descriptor_, -1)) {}
  AcceptedDescriptor& operator=(AcceptedDescriptor&&) = delete;
  ~AcceptedDescriptor() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  int take() { return std::exchange(descriptor_, -1); }

 private:
  int descriptor_;
};

// One event loop and one thread. Its reactor takes no lock around each socket operation
// (UNSAFE_IO; posting from other threads stays safe): that holds because a connection's socket
// is only ever registered, used and closed on its own thread. Other threads only post to it
// (stop(), wind_down, force_close, the acceptor handing over a descriptor), and a session whose
// last reference ends elsewhere has closed its socket first. (The acceptor registering accepted
// sockets itself raced with the worker reusing a closed socket's reactor state, under TSan.)
struct Worker {
  Worker() : io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO), guard(io.get_executor()) {}
  asio::io_context io;
  asio::executor_work_guard<Executor> guard;  // keeps run() going while the worker has no sockets
  std::thread thread;
};

struct Server::Impl {
  explicit Impl(ServerOptions options, ServerHandler handler) {
    context.options = std::move(options);
    context.handler = std::move(handler);
    const unsigned count = std::max(1u, context.options.threads);
    for (unsigned i = 0; i < count; ++i) workers.push_back(std::make_unique<Worker>());
    // With several threads the acceptor gets a loop of its own, so a handler that takes its time
    // on one thread does not keep new connections from reaching the others. With one thread
    // there is nobody else to serve them anyway.
    if (count > 1) accept_worker = std::make_unique<Worker>();
    auto& accept_io = (accept_worker ? *accept_worker : *workers.front()).io;
    acceptor.emplace(accept_io.get_executor());
    accept_backoff.emplace(accept_io.get_executor());
  }

  ~Impl() {
    if (reserve_descriptor >= 0) ::close(reserve_descriptor);
  }

  void accept() {
    acceptor->async_accept([this](beast::error_code ec, Socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
        if (out_of_resources(ec)) return on_accept_exhausted(ec);
        return accept();  // a connection that failed on its own (aborted, refused by a filter)
      }
      ++context.counters.connections;
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      // The descriptor, not the socket, goes to the worker: the socket registers with the
      // worker's reactor on the worker's own thread (its reactor takes no locks, see Worker).
      AcceptedDescriptor descriptor(socket.release(ec));
      if (!ec) {
        Worker& worker = *workers[next_worker];
        next_worker = (next_worker + 1) % workers.size();
        asio::post(worker.io.get_executor(),
                   [this, &worker, descriptor = std::move(descriptor)]() mutable {
                     start_session(worker, descriptor.take());
                   });
      }
      accept();
    });
  }

  // accept() failed for want of descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM).
  // The connection stays in the backlog and the listening socket stays readable, so accepting
  // again at once fails again at once: a core spun at 100% and new clients hung until an idle
  // connection timed out (issue #18). What servers do about it:
  // - nginx stops accepting for a while (accept_mutex_delay, 500 ms) and tries again; Go's
  //   net/http sleeps 5 ms doubling to 1 s. Clients wait in the backlog meanwhile.
  // - libuv and libev (Marc Lehmann's advice) keep a reserve descriptor: on EMFILE they close
  //   it, accept the queued connections and close them at once, then take the reserve again, so
  //   a client the server cannot serve learns so at once instead of timing out.
  // We do both: the reserve turns the queued clients away now, and the pause (which alone
  // covers ENOBUFS/ENOMEM and a reserve lost to another thread's open()) keeps the acceptor
  // from spinning. Closing idle keep-alive connections to make room, which nginx does when its
  // own connection table (not the descriptor limit) is full, would need every worker to be
  // asked which of its connections is idle at the moment nothing can be opened; idle
  // connections already leave after header_timeout.
  void on_accept_exhausted(const beast::error_code& ec) {
    if (out_of_descriptors(ec) && reserve_descriptor >= 0) {
      ::close(reserve_descriptor);
      // Asio made the listener non-blocking for async_accept already; said again here because
      // a blocking accept() on an empty backlog would hang the acceptor's thread.
      beast::error_code mode_ec;
      acceptor->non_blocking(true, mode_ec);
      const int listener = acceptor->native_handle();
      for (int i = 0; i < kShedLimit && !mode_ec; ++i) {
        const int refused = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (refused < 0) break;  // the backlog is empty (EAGAIN), or the reserve went elsewhere
        ::close(refused);
      }
      reserve_descriptor = open_reserve_descriptor();
    }
    accept_backoff->expires_after(kAcceptBackoff);
    accept_backoff->async_wait([this](beast::error_code wait_ec) {
      if (wait_ec || !acceptor->is_open()) return;
      if (reserve_descriptor < 0) reserve_descriptor = open_reserve_descriptor();
      accept();
    });
  }

  void start_session(Worker& worker, int descriptor) {
    Socket socket(worker.io.get_executor());
    beast::error_code ec;
    socket.assign(protocol, descriptor, ec);
    if (ec) {
      ::close(descriptor);
      return;
    }
    auto session = std::make_shared<Session>(std::move(socket), context);
    if (session->register_self()) session->start();
  }

  SessionContext context;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<Worker> accept_worker;  // only with several threads
  std::optional<asio::basic_socket_acceptor<tcp, Executor>> acceptor;
  std::optional<Timer> accept_backoff;  // on the acceptor's thread, like the acceptor
  // Held open so that a descriptor can be freed to turn queued clients away when none is left
  // (see on_accept_exhausted); -1 when it could not be taken.
  int reserve_descriptor = -1;
  std::size_t next_worker = 0;  // used on the acceptor's thread only
  tcp protocol = tcp::v4();
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
    im.protocol = endpoint.protocol();
    im.acceptor->open(endpoint.protocol());
    im.acceptor->set_option(asio::socket_base::reuse_address(true));
    im.acceptor->bind(endpoint);
    im.acceptor->listen(asio::socket_base::max_listen_connections);
    im.bound_port = im.acceptor->local_endpoint().port();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + opts.address + ":" + std::to_string(opts.port) +
                             ": " + e.what());
  }
  if (im.reserve_descriptor < 0) im.reserve_descriptor = open_reserve_descriptor();
  im.accept();
  im.running = true;
  for (auto& worker : im.workers) {
    worker->thread = std::thread([&io = worker->io] { io.run(); });
  }
  if (im.accept_worker) {
    im.accept_worker->thread = std::thread([&io = im.accept_worker->io] { io.run(); });
  }
}

void Server::stop() {
  auto& im = *impl_;
  if (!im.running) return;
  im.running = false;
  im.context.stopping_now = true;
  asio::post(im.acceptor->get_executor(), [&im] {
    beast::error_code ignored;
    im.acceptor->close(ignored);
    im.accept_backoff->cancel();
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
  // With the sessions gone (or cut) nothing is left to wait for: let each loop run dry. The
  // acceptor's loop ends first: a connection it accepted just before its close is handed to a
  // worker, and that worker's loop must still be running to take it (and close it, as the
  // server is stopping). Ending the workers first left such a descriptor queued to a loop that
  // had ended, open until the server was destroyed, and its client waiting on it.
  if (im.accept_worker) {
    im.accept_worker->guard.reset();
    if (im.accept_worker->thread.joinable()) im.accept_worker->thread.join();
  }
  for (auto& worker : im.workers) worker->guard.reset();
  for (auto& worker : im.workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
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
          c.handler_errors.load(),       c.refused_at_header.load(),
          c.rejected_over_budget.load(), c.body_bytes_peak.load()};
}

}  // namespace s3storm::http
