#include "http/retry.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace s3storm::http {

Clock::duration RetryPolicy::backoff(int retry, double uniform01) const {
  using Seconds = std::chrono::duration<double>;
  const double base = Seconds(base_delay).count();
  const double cap = Seconds(max_delay).count();
  const double ceiling = std::min(cap, base * std::ldexp(1.0, std::clamp(retry - 1, 0, 62)));
  return std::chrono::duration_cast<Clock::duration>(
      Seconds(ceiling * std::clamp(uniform01, 0.0, 1.0)));
}

std::string_view s3_error_code(std::string_view xml_body) {
  constexpr std::string_view open = "<Code>";
  auto start = xml_body.find(open);
  if (start == std::string_view::npos) return {};
  start += open.size();
  auto end = xml_body.find("</Code>", start);
  if (end == std::string_view::npos) return {};
  return xml_body.substr(start, end - start);
}

bool should_retry(Outcome outcome, unsigned status, std::string_view s3_code) {
  if (outcome == Outcome::kReset) return true;
  if (outcome != Outcome::kOk) return false;
  if (status == 500 || status == 503) return true;
  return s3_code == "SlowDown" || s3_code == "InternalError";
}

UniformSource make_uniform_source(std::uint64_t seed) {
  return [engine = std::mt19937_64(seed)]() mutable {
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
  };
}

RetryingSender::RetryingSender(Sender& sender, boost::asio::io_context& io, RetryPolicy policy,
                               UniformSource uniform, Decider decide)
    : sender_(sender),
      timer_(io),
      policy_(policy),
      uniform_(std::move(uniform)),
      decide_(std::move(decide)) {
  if (!decide_) {
    decide_ = [](const Result& r) {
      return should_retry(r.outcome, r.response.status, s3_error_code(r.response.body));
    };
  }
}

void RetryingSender::async_send(const Request& request, Completion done) {
  request_ = &request;
  done_ = std::move(done);
  attempts_ = 0;
  attempt();
}

void RetryingSender::attempt() {
  ++attempts_;
  sender_.async_send(*request_, [this](Result& result) { on_result(result); });
}

void RetryingSender::on_result(Result& result) {
  result.attempts = attempts_;
  if (attempts_ <= policy_.max_retries && decide_(result)) {
    ++retries_;
    timer_.expires_after(policy_.backoff(attempts_, uniform_()));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) attempt();
    });
    return;
  }
  auto done = std::move(done_);
  done(result);
}

}  // namespace s3storm::http
