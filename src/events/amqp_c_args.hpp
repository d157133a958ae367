#pragma once

// What rabbitmq-c's calls take, made from ours: a string as its byte view (for the calls that name
// an exchange, a queue, a routing key or carry a message; rabbitmq-c only reads through it, and
// the string must outlive the call), and a duration as its timeval.

#include <amqp.h>
#include <sys/time.h>

#include <chrono>
#include <string>

namespace s3storm::events {

inline amqp_bytes_t bytes_of(const std::string& s) {
  return {s.size(), const_cast<char*>(s.data())};
}

inline timeval to_timeval(std::chrono::microseconds us) {
  return {static_cast<time_t>(us.count() / 1'000'000),
          static_cast<suseconds_t>(us.count() % 1'000'000)};
}

}  // namespace s3storm::events
