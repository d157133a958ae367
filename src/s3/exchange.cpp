#include "s3/exchange.hpp"

#include "s3/xml_responses.hpp"

namespace s3storm::s3 {

Exchange::Exchange(Session& session)
    : session_(session),
      sender_(session.pool(), session.io(), session.config().retry, session.uniform()) {
  signed_headers_.reserve(8);
}

void Exchange::start(const RequestSpec& spec, Done done) {
  done_ = std::move(done);
  error_may_follow_200_ = spec.error_may_follow_200;
  session_.address(host_, target_, spec.bucket, spec.key, spec.query);

  const std::string_view target = target_;
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  auto& message = request_.message;
  message.clear();  // headers of the previous request must not leak into this one
  http::prepare_request(request_, spec.method, target_, host_, spec.body);
  for (const auto& header : spec.headers) message.set(header.name, header.value);
  if (spec.sign) sign(spec, path, query);
  request_.discard_body = spec.discard_body;
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
  auto& message = request_.message;
  message.set("x-amz-date", signature.amz_date);
  if (!signature.content_sha256.empty()) {
    message.set("x-amz-content-sha256", signature.content_sha256);
  }
  if (!signature.security_token.empty()) {
    message.set("x-amz-security-token", signature.security_token);
  }
  message.set(boost::beast::http::field::authorization, signature.authorization);
}

void Exchange::on_result(http::Result& result) {
  auto& reply = reply_;
  reply.attempts = result.attempts;
  reply.complete = result.timing.complete;
  reply.status = result.outcome == http::Outcome::ok ? result.response.status : 0;
  reply.body_bytes = result.response.body_bytes;
  reply.etag.swap(result.response.etag);  // swapped like the body: both buffers stay warm
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
