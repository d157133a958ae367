#include "events/sns_subscription.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "http/client_call.hpp"

namespace s3storm::events {

void fetch_subscribe_url(const std::string& url, std::chrono::milliseconds timeout) {
  http::CallRequest request;
  request.url = url;
  request.timeout = timeout;
  request.headers = {{"User-Agent", "s3storm"}};
  http::CallAnswer answer;
  try {
    answer = http::call(request);
  } catch (const http::CallError& e) {
    throw std::runtime_error(std::string("SubscribeURL ") + e.what());
  }
  if (answer.status < 200 || answer.status > 299) {
    throw std::runtime_error(fmt::format("SubscribeURL answered HTTP {}", answer.status));
  }
}

}  // namespace s3storm::events
