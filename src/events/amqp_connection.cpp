#include "events/amqp_connection.hpp"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <fmt/core.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "events/amqp_c_args.hpp"

namespace s3storm::events {

namespace {

std::string_view text_of(amqp_bytes_t bytes) {
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

// "ACCESS_REFUSED - Login was refused ..." (403) from the broker, or the library's reason.
std::string describe(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply from the broker";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        return fmt::format("{} ({})", text_of(close->reply_text), close->reply_code);
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        return fmt::format("{} ({})", text_of(close->reply_text), close->reply_code);
      }
      return fmt::format("unexpected method 0x{:08x} from the broker", reply.reply.id);
  }
  return "unknown reply";
}

// The handshake got an answer but we do not trust it (or it is no TLS): not a down broker.
bool is_tls_failure(int status) {
  return status == AMQP_STATUS_SSL_ERROR || status == AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED ||
         status == AMQP_STATUS_SSL_PEER_VERIFY_FAILED ||
         status == AMQP_STATUS_SSL_CONNECTION_FAILED;
}

// Where amqps:// finds the CAs: SSL_CERT_FILE as OpenSSL reads it, else Debian's bundle.
std::string ca_file() {
  if (const char* file = std::getenv("SSL_CERT_FILE"); file != nullptr && *file != '\0')
    return file;
  const char* bundle = "/etc/ssl/certs/ca-certificates.crt";
  return ::access(bundle, R_OK) == 0 ? bundle : "";
}

}  // namespace

std::string AmqpAddress::redacted() const {
  return fmt::format("{}://{}@{}:{}/{}", tls ? "amqps" : "amqp", user, host, port, vhost);
}

AmqpAddress parse_amqp_url(std::string_view url) {
  if (!url.starts_with("amqp://") && !url.starts_with("amqps://")) {
    throw std::invalid_argument("expected amqp://USER:PASSWORD@HOST:PORT/VHOST (or amqps://)");
  }
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK || info.host == nullptr ||
      *info.host == '\0') {
    throw std::invalid_argument(
        "not an AMQP URL: expected amqp://USER:PASSWORD@HOST:PORT/VHOST (the vhost / is %2f)");
  }
  if (info.port <= 0 || info.port > 65535) throw std::invalid_argument("the port is out of range");
  AmqpAddress out;
  out.host = info.host;
  out.port = info.port;
  out.user = info.user;
  out.password = info.password;
  out.vhost = info.vhost;
  out.tls = info.ssl != 0;
  return out;
}

AmqpConnection::AmqpConnection(const AmqpAddress& address, const AmqpConnectOptions& options)
    : state_(amqp_new_connection()) {
  if (state_ == nullptr) throw AmqpError(AmqpFailure::kConnect, "out of memory");
  try {
    amqp_socket_t* socket = nullptr;
    if (address.tls) {
      socket = amqp_ssl_socket_new(state_);
      if (socket != nullptr) {
        amqp_ssl_socket_set_verify_peer(socket, options.tls.verify ? 1 : 0);
        amqp_ssl_socket_set_verify_hostname(socket, options.tls.verify ? 1 : 0);
        const std::string cas = options.tls.ca_file.empty() ? ca_file() : options.tls.ca_file;
        if (!cas.empty() && amqp_ssl_socket_set_cacert(socket, cas.c_str()) != AMQP_STATUS_OK) {
          throw AmqpError(AmqpFailure::kTls, "cannot read the CA file " + cas);
        }
      }
    } else {
      socket = amqp_tcp_socket_new(state_);
    }
    if (socket == nullptr) throw AmqpError(AmqpFailure::kConnect, "cannot create a socket");
    timeval timeout = to_timeval(options.connect_timeout);
    const int opened =
        amqp_socket_open_noblock(socket, address.host.c_str(), address.port, &timeout);
    if (opened != AMQP_STATUS_OK) {
      broken_ = true;
      throw AmqpError(is_tls_failure(opened) ? AmqpFailure::kTls : AmqpFailure::kConnect,
                      fmt::format("cannot connect to {}:{}: {}", address.host, address.port,
                                  amqp_error_string2(opened)));
    }
    amqp_set_handshake_timeout(state_, &timeout);
    amqp_set_rpc_timeout(state_, &timeout);
    const auto login = amqp_login(
        state_, address.vhost.c_str(), 0, 131072, static_cast<int>(options.heartbeat.count()),
        AMQP_SASL_METHOD_PLAIN, address.user.c_str(), address.password.c_str());
    if (login.reply_type != AMQP_RESPONSE_NORMAL) {
      broken_ = true;
      throw AmqpError(AmqpFailure::kLogin,
                      fmt::format("login as '{}' to vhost '{}' refused: {}", address.user,
                                  address.vhost, describe(login)));
    }
    amqp_channel_open(state_, kChannel);
    check_reply(AmqpFailure::kLogin, "opening a channel");
  } catch (...) {
    if (!broken_) amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(state_);
    throw;
  }
}

AmqpConnection::~AmqpConnection() {
  if (!broken_) {
    amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(state_);
}

void AmqpConnection::check_reply(AmqpFailure failure, std::string_view what) {
  const auto reply = amqp_get_rpc_reply(state_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  // The broker closes the channel (or the whole connection) on a refusal: this one is done.
  broken_ = true;
  throw AmqpError(failure, fmt::format("{}: {}", what, describe(reply)));
}

void AmqpConnection::ensure_exchange(const std::string& exchange, bool declare) {
  static const std::string kTopic = "topic";
  if (exchange.empty()) return;  // the default exchange always exists
  amqp_exchange_declare(state_, kChannel, bytes_of(exchange), bytes_of(kTopic),
                        declare ? 0 : 1 /* passive */, 1 /* durable */, 0, 0, amqp_empty_table);
  const auto reply = amqp_get_rpc_reply(state_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  broken_ = true;
  const bool missing =
      reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
      reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD &&
      static_cast<const amqp_channel_close_t*>(reply.reply.decoded)->reply_code == AMQP_NOT_FOUND;
  if (missing) {
    throw AmqpError(AmqpFailure::kExchange,
                    fmt::format("exchange '{}' does not exist on the broker", exchange));
  }
  throw AmqpError(AmqpFailure::kExchange,
                  fmt::format("exchange '{}': {}", exchange, describe(reply)));
}

}  // namespace s3storm::events
