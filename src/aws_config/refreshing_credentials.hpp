#pragma once

// Credentials for a whole run: fetched once at the start, and, when they expire, fetched again by
// a thread of their own before they do, and published to the signers through a CredentialFeed
// (one atomic load per request on their side).
//
// When: `window` before the expiration (botocore refreshes 15 min ahead), but at the latest half
// way through the credentials' lifetime, so that short-lived credentials are not fetched in a
// loop. A failed refresh keeps the old credentials, says so on stderr (never a secret) and tries
// again soon, until they expire.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "aws_config/credential_source.hpp"
#include "sigv4/credential_feed.hpp"

namespace s3storm::aws_config {

using SystemTime = std::chrono::system_clock::time_point;

inline constexpr std::chrono::seconds kRefreshWindow{300};

// When credentials fetched at `fetched` and expiring at `expiration` are fetched again.
SystemTime refresh_time(SystemTime fetched, SystemTime expiration,
                        std::chrono::seconds window = kRefreshWindow);

class RefreshingCredentials {
 public:
  // Fetches now: throws UsageError "credentials from <source>: <why>" when that fails.
  explicit RefreshingCredentials(CredentialSource source,
                                 std::chrono::seconds window = kRefreshWindow);
  ~RefreshingCredentials();  // stops the refresher
  RefreshingCredentials(const RefreshingCredentials&) = delete;
  RefreshingCredentials& operator=(const RefreshingCredentials&) = delete;

  std::shared_ptr<const sigv4::CredentialFeed> feed() const { return feed_; }
  sigv4::Credentials current() const { return feed_->current(); }
  const std::string& description() const { return source_.description; }
  std::uint64_t refreshes() const { return feed_->generation(); }

 private:
  void refresh_loop(SystemTime first_refresh, SystemTime expiration);

  CredentialSource source_;
  std::chrono::seconds window_;
  std::shared_ptr<sigv4::CredentialFeed> feed_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace s3storm::aws_config
