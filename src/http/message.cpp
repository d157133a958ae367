#include "http/message.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "http/connection.hpp"
#include "util/ascii.hpp"

namespace s3storm::http {

void prepare_request(Request& request, boost::beast::http::verb method, std::string_view target,
                     std::string_view host, std::string_view body) {
  auto& message = request.message;
  message.version(11);
  message.method(method);
  message.target(target);
  message.set(boost::beast::http::field::host, host);
  message.body() = BodyView::value_type(body.data(), body.size());
  message.content_length(body.size());
}

void serialize_header(const RequestMessage& message, std::string& out) {
  out.clear();
  out.append(message.method_string());
  out += ' ';
  out.append(message.target());
  out.append(message.version() == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
  for (const auto& field : message.base()) {
    out.append(field.name_string());
    out.append(": ");
    out.append(field.value());
    out.append("\r\n");
  }
  out.append("\r\n");
}

std::string_view ResponseHeaders::operator[](std::string_view name) const {
  const std::string_view text = text_;
  for (const auto& field : fields_) {
    if (ascii::iequals(text.substr(field.name_at, field.name_size), name)) {
      return text.substr(field.value_at, field.value_size);
    }
  }
  return {};
}

void ResponseHeaders::clear() {
  text_.clear();
  fields_.clear();
}

void ResponseHeaders::add(std::string_view name, std::string_view value) {
  const auto at = static_cast<std::uint32_t>(text_.size());
  const auto name_size = static_cast<std::uint32_t>(name.size());
  text_.append(name).append(value);
  fields_.push_back({at, name_size, at + name_size, static_cast<std::uint32_t>(value.size())});
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kConnectFailed:
      return "connect_failed";
    case Outcome::kTlsFailed:
      return "tls_failed";
    case Outcome::kReset:
      return "reset";
    case Outcome::kProtocolError:
      return "protocol_error";
    case Outcome::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

namespace detail {

Outcome classify(const beast::error_code& ec) {
  namespace asio = boost::asio;
  if (ec == beast::error::timeout) return Outcome::kTimeout;
  if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) {
    return Outcome::kCancelled;
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return Outcome::kReset;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
    return Outcome::kProtocolError;
  }
  if (ec == asio::ssl::error::stream_truncated) return Outcome::kReset;
  if (ec.category() == asio::error::get_ssl_category()) return Outcome::kProtocolError;
  // eof, connection_reset, broken_pipe, connection_aborted and friends.
  return Outcome::kReset;
}

}  // namespace detail
}  // namespace s3storm::http
