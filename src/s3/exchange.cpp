#include "s3/exchange.hpp"

#include <array>
#include <charconv>

#include "s3/xml_responses.hpp"

namespace s3storm::s3 {

Exchange::Exchange(Session& session)
    : session_(session),
      sender_(session.pool(), session.io(), session.config().retry, session.uniform()) {
  signed_headers_.reserve(8);
}

namespace {

void append_field(std::string& head, std::string_view name, std::string_view value) {
  head.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

void Exchange::start(const RequestSpec& spec, Done done) {
  done_ = std::move(done);
  error_may_follow_200_ = spec.error_may_follow_200;
  session_.address(host_, target_, spec.bucket, spec.key, spec.query);

  const std::string_view target = target_;
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  // The connection needs the method (HEAD) and the body view from the message; the header goes
  // out as written here (see http::Request::head).
  auto& message = request_.message;
  message.method(spec.method);
  message.body() = http::BodyView::value_type(spec.body.data(), spec.body.size());
  auto& head = request_.head;
  head.clear();
  head.append(boost::beast::http::to_string(spec.method));
  head.push_back(' ');
  head.append(target_);
  head.append(" HTTP/1.1\r\n");
  append_field(head, "Host", host_);
  // Content-Length also for an empty body, which S3 wants on PUT.
  std::array<char, 24> length{};
  const auto written =
      std::to_chars(length.data(), length.data() + length.size(), spec.body.size());
  append_field(head, "Content-Length",
               std::string_view(length.data(), written.ptr - length.data()));
  for (const auto& header : spec.headers) append_field(head, header.name, header.value);
  if (spec.sign) sign(spec, path, query);
  head.append("\r\n");
  request_.discard_body = spec.discard_body;
  request_.body_observer = spec.body_observer;
  reply_.sent = http::Clock::now();

  sender_.async_send(request_, [this](http::Result& result) { on_result(result); });
}

void Exchange::sign(const RequestSpec& spec, std::string_view path, std::string_view query) {
  signed_headers_.clear();
  signed_headers_.push_back({"host", host_});
  signed_headers_.insert(signed_headers_.end(), spec.headers.begin(), spec.headers.end());
  const auto& signature =
      session_.signer().sign({boost::beast::http::to_string(spec.method), path, query,
                              signed_headers_, session_.payload_hash(spec.body)},
                             session_.now());
  auto& head = request_.head;
  append_field(head, "x-amz-date", signature.amz_date);
  if (!signature.content_sha256.empty()) {
    append_field(head, "x-amz-content-sha256", signature.content_sha256);
  }
  if (!signature.security_token.empty()) {
    append_field(head, "x-amz-security-token", signature.security_token);
  }
  append_field(head, "Authorization", signature.authorization);
}

void Exchange::on_result(http::Result& result) {
  auto& reply = reply_;
  reply.attempts = result.attempts;
  reply.complete = result.timing.complete;
  reply.first_byte = result.timing.first_byte;
  reply.status = result.outcome == http::Outcome::ok ? result.response.status : 0;
  reply.body_bytes = result.response.body_bytes;
  reply.etag.swap(result.response.etag);  // swapped like the body: both buffers stay warm
  reply.version_id.swap(result.response.version_id);
  reply.body.swap(result.response.body);
  reply.error_code.clear();

  if (result.outcome != http::Outcome::ok) {
    reply.ok = false;
    reply.error_code = http::to_string(result.outcome);
  } else {
    const bool success_status = reply.status >= 200 && reply.status < 300;
    std::optional<S3Error> error;
    if (!success_status || error_may_follow_200_) error = parse_error(reply.body);
    reply.ok = success_status && !error;
    if (!reply.ok) {
      reply.error_code = error && !error->code.empty() ? std::move(error->code)
                                                       : "HTTP " + std::to_string(reply.status);
    }
  }
  auto done = std::move(done_);
  done(reply);
}

}  // namespace s3storm::s3
