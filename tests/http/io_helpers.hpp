#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace s3storm::http::testing {

// Runs `io` until `done()` holds or `limit` passes; returns done(). Keeps tests bounded in time.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Runs `io` for a while regardless (lets timers fire).
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
}

}  // namespace s3storm::http::testing
