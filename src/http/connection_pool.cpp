#include "http/connection_pool.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <stdexcept>
#include <vector>

#include "http/connection.hpp"

namespace s3storm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using detail::ConnectionBase;

class ConnectionPool::Core final : public detail::ConnectionOwner,
                                   public std::enable_shared_from_this<ConnectionPool::Core> {
 public:
  Core(asio::io_context& io, Endpoint endpoint, PoolOptions options,
       std::shared_ptr<asio::ssl::context> tls)
      : io_(io), endpoint_(std::move(endpoint)), tls_(std::move(tls)), sweep_(io) {
    if (endpoint_.scheme == Scheme::kHttps && !tls_) {
      throw std::invalid_argument("https endpoint needs a TLS context");
    }
    options.max_connections = std::max<std::size_t>(1, options.max_connections);
    settings_.options = options;
    settings_.tls_server_name =
        options.tls_server_name.empty() ? endpoint_.host : options.tls_server_name;
    boost::system::error_code ec;
    asio::ip::make_address(settings_.tls_server_name, ec);
    settings_.server_name_is_ip = !ec;
    asio::ip::tcp::resolver resolver(io_);
    settings_.addresses = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
    if (ec) {
      throw std::runtime_error("cannot resolve " + endpoint_.host + ":" +
                               std::to_string(endpoint_.port) + ": " + ec.message());
    }
  }

  void send(const Request& request, Completion done) {
    ++stats_.requests;
    const auto now = Clock::now();
    if (closed_) return cancel_now(done, now);
    while (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      if (now - connection->idle_since < settings_.options.idle_timeout) {
        ++stats_.reused;
        connection->start(request, std::move(done), now);
        return;
      }
      retire(connection);
    }
    // While a completion runs, its connection is about to come free: queue behind it rather
    // than opening one more (a closed loop would otherwise grow the pool on every callback).
    if (open_ < settings_.options.max_connections && returning_ == 0) {
      return open_new(request, std::move(done), now, /*stale_retry=*/false);
    }
    ++stats_.queued;
    pending_.push_back({&request, std::move(done), now});
  }

  void on_done(const std::shared_ptr<ConnectionBase>& connection) override {
    Result& result = connection->result();
    const bool healthy = connection->reusable() && !closed_;
    if (!healthy) retire(connection);

    // A server may close an idle keep-alive connection just as we reuse it: we then read a clean
    // end of stream before any response byte, and the request was never processed. Send it once
    // more on a fresh connection instead of reporting a reset. (A reset, by contrast, is real.)
    if (!closed_ && result.reused_connection && closed_before_answer(result) &&
        !connection->is_stale_retry) {
      ++stats_.stale_retries;
      open_new(*connection->request(), connection->take_completion(), result.timing.queued,
               /*stale_retry=*/true);
      return;
    }

    auto done = connection->take_completion();
    if (closed_ && result.outcome != Outcome::kOk) result.outcome = Outcome::kCancelled;
    if (callbacks_enabled_ && done) {
      ++returning_;
      done(result);
      --returning_;
    }

    if (closed_) return;
    if (healthy) {
      if (!pending_.empty()) {
        auto next = std::move(pending_.front());
        pending_.pop_front();
        ++stats_.reused;
        connection->start(*next.request, std::move(next.done), next.queued);
      } else {
        connection->idle_since = Clock::now();
        idle_.push_back(connection);
        arm_sweep();
      }
    }
    // Requests queued during the callback (or behind a connection that just died) may open
    // fresh connections now that no completion is running.
    while (!pending_.empty() && open_ < settings_.options.max_connections) {
      auto next = std::move(pending_.front());
      pending_.pop_front();
      open_new(*next.request, std::move(next.done), next.queued, false);
    }
  }

  void close(bool run_callbacks) {
    callbacks_enabled_ = callbacks_enabled_ && run_callbacks;
    if (closed_) return;
    closed_ = true;
    sweep_.cancel();
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& p : pending) {
      if (callbacks_enabled_) cancel_now(p.done, p.queued);
    }
    idle_.clear();
    // Busy connections report back through on_done once their operations are aborted; dropping
    // our references now means nothing leaks even if the io_context never runs again.
    for (auto& connection : all_) connection->close();
    stats_.connections_closed += all_.size();
    all_.clear();
    open_ = 0;
  }

  PoolStats stats() const { return stats_; }
  std::size_t open_connections() const { return open_; }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  struct Pending {
    const Request* request;
    Completion done;
    Clock::time_point queued;
  };

  static bool closed_before_answer(const Result& result) {
    const auto& ec = result.error;
    return result.timing.first_byte == Clock::time_point{} &&
           (ec == asio::error::eof || ec == beast::http::error::end_of_stream ||
            ec == asio::ssl::error::stream_truncated);
  }

  void open_new(const Request& request, Completion done, Clock::time_point queued,
                bool stale_retry) {
    std::shared_ptr<ConnectionBase> connection;
    if (endpoint_.scheme == Scheme::kHttps) {
      connection = std::make_shared<detail::Connection<detail::TlsStream>>(shared_from_this(),
                                                                           settings_, io_, *tls_);
    } else {
      connection =
          std::make_shared<detail::Connection<detail::Socket>>(shared_from_this(), settings_, io_);
    }
    connection->is_stale_retry = stale_retry;
    ++open_;
    ++stats_.connections_opened;
    all_.push_back(connection);
    connection->start(request, std::move(done), queued);
  }

  void retire(const std::shared_ptr<ConnectionBase>& connection) {
    auto it = std::find(all_.begin(), all_.end(), connection);
    if (it == all_.end()) return;
    connection->close();
    all_.erase(it);
    --open_;
    ++stats_.connections_closed;
  }

  void cancel_now(Completion& done, Clock::time_point queued) {
    Result result;
    result.outcome = Outcome::kCancelled;
    result.error = asio::error::operation_aborted;
    result.timing.queued = queued;
    result.timing.complete = Clock::now();
    if (done) done(result);
  }

  // Closes connections idle past the timeout, so a quiet worker does not pin server sockets.
  void arm_sweep() {
    if (sweep_armed_ || idle_.empty()) return;
    sweep_armed_ = true;
    auto oldest = idle_.front()->idle_since;
    for (auto& c : idle_) oldest = std::min(oldest, c->idle_since);
    sweep_.expires_at(oldest + settings_.options.idle_timeout);
    sweep_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      self->sweep_armed_ = false;
      if (ec || self->closed_) return;
      const auto now = Clock::now();
      auto& idle = self->idle_;
      for (auto it = idle.begin(); it != idle.end();) {
        if (now - (*it)->idle_since >= self->settings_.options.idle_timeout) {
          auto connection = *it;
          it = idle.erase(it);
          self->retire(connection);
        } else {
          ++it;
        }
      }
      self->arm_sweep();
    });
  }

  asio::io_context& io_;
  Endpoint endpoint_;
  std::shared_ptr<asio::ssl::context> tls_;
  detail::ConnectionSettings settings_;
  asio::steady_timer sweep_;
  bool sweep_armed_ = false;
  std::vector<std::shared_ptr<ConnectionBase>> all_;
  std::vector<std::shared_ptr<ConnectionBase>> idle_;  // most recently used at the back
  std::deque<Pending> pending_;
  std::size_t open_ = 0;
  int returning_ = 0;
  bool closed_ = false;
  bool callbacks_enabled_ = true;
  PoolStats stats_;
};

ConnectionPool::ConnectionPool(asio::io_context& io, Endpoint endpoint, PoolOptions options,
                               std::shared_ptr<asio::ssl::context> tls)
    : core_(std::make_shared<Core>(io, std::move(endpoint), std::move(options), std::move(tls))) {}

ConnectionPool::~ConnectionPool() {
  core_->close(/*run_callbacks=*/false);
}

void ConnectionPool::async_send(const Request& request, Completion done) {
  core_->send(request, std::move(done));
}

void ConnectionPool::close() {
  core_->close(/*run_callbacks=*/true);
}

PoolStats ConnectionPool::stats() const {
  return core_->stats();
}

std::size_t ConnectionPool::open_connections() const {
  return core_->open_connections();
}

const Endpoint& ConnectionPool::endpoint() const {
  return core_->endpoint();
}

}  // namespace s3storm::http
