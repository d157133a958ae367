#include "http/server_request_parser.hpp"

#include "http/server_string_reuse.hpp"
#include "util/ascii.hpp"

namespace s3storm::http {

namespace bhttp = boost::beast::http;

void ServerRequestParser::on_request_impl(bhttp::verb method, string_view method_text,
                                          string_view target, int version, error_code&) {
  assign_reusing(request_.method, {method_text.data(), method_text.size()});
  assign_reusing(request_.target, {target.data(), target.size()});
  request_.body.clear();
  version_ = version;
  head_ = method == bhttp::verb::head;
}

void ServerRequestParser::on_field_impl(bhttp::field name, string_view name_text, string_view value,
                                        error_code&) {
  // Assigned in place, not cleared and re-added, so the strings keep their storage from the
  // connection's previous request.
  if (fields_ == request_.headers.size()) request_.headers.emplace_back();
  auto& [stored_name, stored_value] = request_.headers[fields_++];
  assign_reusing(stored_name, {name_text.data(), name_text.size()});
  assign_reusing(stored_value, {value.data(), value.size()});
  if (name == bhttp::field::transfer_encoding) has_transfer_encoding_ = true;
  if (name == bhttp::field::expect &&
      ascii::iequals({value.data(), value.size()}, "100-continue")) {
    expects_continue_ = true;
  }
}

void ServerRequestParser::on_header_impl(error_code&) {
  request_.headers.resize(fields_);
}

void ServerRequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                            error_code&) {
  // The body limit has been checked against a declared length before this is called.
  if (content_length) request_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t ServerRequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t ServerRequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace s3storm::http
