#pragma once

// The embedded server's HTTP/1.1 request parser: Beast's basic_parser writing straight into the
// connection's reused ServerRequest. Beast's request_parser would build a fresh message per
// request (one allocation per header field, a fresh body string) only for us to copy it out.
// Internal to src/http (it pulls in Beast).

#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <cstdint>

#include "http/server.hpp"

namespace s3storm::http {

class ServerRequestParser : public boost::beast::http::basic_parser<true> {
 public:
  // Fills `request` (method, target, headers assigned in place, body); its remote_address is
  // left alone.
  explicit ServerRequestParser(ServerRequest& request) : request_(request) {}

  int version() const { return version_; }
  bool is_head() const { return head_; }
  bool expects_continue() const { return expects_continue_; }
  // A Transfer-Encoding field was sent. Without chunked as its last coding Beast reads the
  // request as having no body (see Session::parse_buffered).
  bool has_transfer_encoding() const { return has_transfer_encoding_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_text, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view name_text, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  ServerRequest& request_;
  std::size_t fields_ = 0;
  int version_ = 11;
  bool head_ = false;
  bool expects_continue_ = false;
  bool has_transfer_encoding_ = false;
};

}  // namespace s3storm::http
