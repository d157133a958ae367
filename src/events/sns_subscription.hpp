#pragma once

#include <chrono>
#include <string>

namespace s3storm::events {

// Confirms an SNS subscription by GETting its SubscribeURL (http or https, certificates
// verified); throws std::runtime_error unless the answer is 2xx.
void fetch_subscribe_url(const std::string& url,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The confirmer the receivers of run and listen use: fetch_subscribe_url with its 10 s timeout.
inline void confirm_by_fetching(const std::string& url) {
  fetch_subscribe_url(url);
}

}  // namespace s3storm::events
