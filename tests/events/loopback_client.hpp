#pragma once

// A blocking loopback HTTP/1.1 client for webhook tests: it can also misbehave on purpose.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <string>

namespace s3storm::events::testing {

class LoopbackClient {
 public:
  explicit LoopbackClient(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  void send_raw(const std::string& bytes) {
    boost::asio::write(socket_, boost::asio::buffer(bytes));
  }

  // Sends one POST on this (kept-alive) connection and returns the status code of the answer.
  int post(const std::string& body, const std::string& extra_headers = "") {
    send_raw("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
             extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    return read_status();
  }

  // Reads one response (headers and a Content-Length body); returns its status, or -1 if the
  // connection ended first.
  int read_status() {
    boost::system::error_code ec;
    std::size_t header_end = 0;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!read_some(ec)) return -1;
    }
    const int status = std::stoi(buffer_.substr(9, 3));
    std::size_t length = 0;
    const auto at = lowercase(buffer_.substr(0, header_end)).find("content-length:");
    if (at != std::string::npos) length = std::stoul(buffer_.substr(at + 15));
    while (buffer_.size() < header_end + 4 + length) {
      if (!read_some(ec)) break;
    }
    buffer_.erase(0, std::min(buffer_.size(), header_end + 4 + length));
    return status;
  }

  // True when the server closed the connection (reads hit end of stream).
  bool closed_by_peer() {
    boost::system::error_code ec;
    while (read_some(ec)) {
    }
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

 private:
  static std::string lowercase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  bool read_some(boost::system::error_code& ec) {
    char chunk[4096];
    const std::size_t n = socket_.read_some(boost::asio::buffer(chunk), ec);
    buffer_.append(chunk, n);
    return !ec;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string buffer_;
};

}  // namespace s3storm::events::testing
