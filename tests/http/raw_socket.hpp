#pragma once

// A blocking loopback socket for tests that need to misbehave on purpose (stall, send garbage).

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <string>

namespace s3storm::http::testing {

class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  void send(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

  // Reads until the peer closes (or resets); returns what arrived.
  std::string read_all() {
    std::string out;
    boost::system::error_code ec;
    char chunk[4096];
    for (;;) {
      std::size_t n = socket_.read_some(boost::asio::buffer(chunk), ec);
      out.append(chunk, n);
      if (ec) break;
    }
    last_error_ = ec;
    return out;
  }

  // Reads until `marker` has arrived (or the peer closes).
  std::string read_until_contains(const std::string& marker) {
    std::string out;
    boost::system::error_code ec;
    char chunk[4096];
    while (out.find(marker) == std::string::npos) {
      std::size_t n = socket_.read_some(boost::asio::buffer(chunk), ec);
      out.append(chunk, n);
      if (ec) break;
    }
    return out;
  }

  // Reads up to `limit` bytes (one read_some at a time, until `limit` or the peer closes) and
  // drops them; returns how many arrived, 0 once the peer has closed.
  std::size_t read_some_bytes(std::size_t limit) {
    std::size_t total = 0;
    boost::system::error_code ec;
    char chunk[65536];
    while (total < limit) {
      const std::size_t n = socket_.read_some(boost::asio::buffer(chunk), ec);
      total += n;
      if (ec) break;
    }
    return total;
  }

  boost::system::error_code last_error() const { return last_error_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::system::error_code last_error_;
};

}  // namespace s3storm::http::testing
