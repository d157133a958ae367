#pragma once

// Credentials that may change during a run (temporary credentials refreshed before they expire),
// read by every worker's signer. The request path pays one atomic load: a worker compares the
// generation with the one it signs with, and only when it moved copies the new credentials under
// the lock, which the refresher holds once per refresh.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>

#include "sigv4/signer.hpp"

namespace s3storm::sigv4 {

class CredentialFeed {
 public:
  explicit CredentialFeed(Credentials initial) : current_(std::move(initial)) {}
  CredentialFeed(const CredentialFeed&) = delete;
  CredentialFeed& operator=(const CredentialFeed&) = delete;

  // Moves on each publish(); starts at 0.
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

  Credentials current() const {
    const std::lock_guard lock(mutex_);
    return current_;
  }

  void publish(Credentials next) {
    const std::lock_guard lock(mutex_);
    current_ = std::move(next);
    generation_.fetch_add(1, std::memory_order_release);
  }

 private:
  mutable std::mutex mutex_;
  Credentials current_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace s3storm::sigv4
