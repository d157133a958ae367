#pragma once

// One AMQP 0-9-1 connection through rabbitmq-c, with one channel open: the common part of the
// consumer (events.source: amqp, listen --amqp) and the publisher (serve --notify amqp://...).
// rabbitmq-c is blocking, so an AmqpConnection belongs to one thread, never an io_context's.
//
//   AmqpConnection connection(parse_amqp_url("amqp://guest:guest@127.0.0.1:5672/%2f"), {});
//   connection.ensure_exchange("s3events", /*declare=*/false);  // AmqpError when missing
//   amqp_basic_publish(connection.state(), AmqpConnection::kChannel, ...);

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

struct amqp_connection_state_t_;

namespace s3storm::events {

struct AmqpAddress {
  std::string host;
  int port = 5672;
  std::string user;
  std::string password;
  std::string vhost;
  bool tls = false;  // amqps://

  // amqp://user@host:port/vhost, without the password: for logs and error messages.
  std::string redacted() const;
};

// amqp[s]://[user[:password]@]host[:port][/vhost], %-escapes decoded (the vhost "/" is "%2f").
// Throws std::invalid_argument with a reason that never repeats the password.
AmqpAddress parse_amqp_url(std::string_view url);

// What a refusal is about, so the caller can name its own setting (a scenario field, a flag).
enum class AmqpFailure {
  kConnect,   // the broker is unreachable
  kTls,       // amqps://: the CA file is unreadable, or the broker's certificate is not trusted
  kLogin,     // credentials or vhost refused
  kExchange,  // the exchange is missing or of another type
  kQueue,     // the queue cannot be declared or bound
  kBroken,    // an established connection failed
};

class AmqpError : public std::runtime_error {
 public:
  AmqpError(AmqpFailure failure, const std::string& message)
      : std::runtime_error(message), failure_(failure) {}
  AmqpFailure failure() const { return failure_; }

 private:
  AmqpFailure failure_;
};

// How amqps:// trusts the broker, as target.tls does for S3: by default the broker's
// certificate must chain to a CA of SSL_CERT_FILE (as OpenSSL reads it) or Debian's bundle, and
// name the host of the URL.
struct AmqpTls {
  bool verify = true;   // false: any certificate, any name (a test broker, never production)
  std::string ca_file;  // PEM CAs to trust instead of the default bundle
};

struct AmqpConnectOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  // Lets the broker, and us, notice a dead peer within about two heartbeats even when idle.
  std::chrono::seconds heartbeat{10};
  AmqpTls tls;  // amqps:// only
};

class AmqpConnection {
 public:
  static constexpr unsigned short kChannel = 1;

  // Connects, logs in and opens kChannel; throws AmqpError (connect or login).
  AmqpConnection(const AmqpAddress& address, const AmqpConnectOptions& options);
  ~AmqpConnection();  // closes politely when the connection still works
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  amqp_connection_state_t_* state() const { return state_; }

  // declare: creates a durable topic exchange unless it exists. Otherwise only checks that it
  // exists (a passive declare). Throws AmqpError(exchange).
  void ensure_exchange(const std::string& exchange, bool declare);

  // Throws AmqpError(failure) when the last synchronous call (a declare, bind, qos, ...) failed.
  void check_reply(AmqpFailure failure, std::string_view what);

  // The connection failed; the destructor will not try to close it politely.
  void mark_broken() { broken_ = true; }

 private:
  amqp_connection_state_t_* state_ = nullptr;
  bool broken_ = false;
};

}  // namespace s3storm::events
