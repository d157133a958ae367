#include "aws_config/refreshing_credentials.hpp"

#include <fmt/core.h>
#include <pthread.h>

#include <algorithm>
#include <csignal>

#include "util/usage_error.hpp"

namespace s3storm::aws_config {

SystemTime refresh_time(SystemTime fetched, SystemTime expiration, std::chrono::seconds window) {
  const auto lifetime = expiration - fetched;
  const auto lead = std::min<SystemTime::duration>(window, lifetime / 2);
  return std::max(expiration - lead, fetched + std::chrono::seconds(1));
}

RefreshingCredentials::RefreshingCredentials(CredentialSource source, std::chrono::seconds window)
    : source_(std::move(source)), window_(window) {
  FetchedCredentials first;
  try {
    first = source_.fetch();
  } catch (const std::exception& e) {
    throw UsageError("credentials from " + source_.description + ": " + e.what());
  }
  feed_ = std::make_shared<sigv4::CredentialFeed>(first.credentials);
  if (first.expiration) {
    const auto now = std::chrono::system_clock::now();
    if (*first.expiration <= now) {
      throw UsageError("credentials from " + source_.description + " have already expired");
    }
    thread_ = std::thread([this, next = refresh_time(now, *first.expiration, window_),
                           expiration = *first.expiration] { refresh_loop(next, expiration); });
  }
}

RefreshingCredentials::~RefreshingCredentials() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RefreshingCredentials::refresh_loop(SystemTime next, SystemTime expiration) {
  // Signals are for the threads that wait for them (listen's sigtimedwait), never this one.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  std::unique_lock lock(mutex_);
  while (true) {
    if (wake_.wait_until(lock, next, [this] { return stopping_; })) return;
    lock.unlock();
    std::optional<FetchedCredentials> fetched;
    std::string failure;
    try {
      fetched = source_.fetch();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    const auto now = std::chrono::system_clock::now();
    if (fetched) {
      feed_->publish(fetched->credentials);
      if (!fetched->expiration) return;  // no longer temporary
      expiration = *fetched->expiration;
      next = refresh_time(now, expiration, window_);
    } else {
      // Try again soon, but keep trying while the old ones are still good for a while.
      const auto left = expiration - now;
      const auto retry = std::clamp<SystemTime::duration>(left / 4, std::chrono::seconds(1),
                                                          std::chrono::seconds(30));
      fmt::print(stderr,
                 "s3storm: refreshing credentials from {} failed: {}; the current ones expire in "
                 "{:.0f} s, trying again in {:.0f} s\n",
                 source_.description, failure,
                 std::max(0.0, std::chrono::duration<double>(left).count()),
                 std::chrono::duration<double>(retry).count());
      next = now + retry;
    }
    lock.lock();
  }
}

}  // namespace s3storm::aws_config
