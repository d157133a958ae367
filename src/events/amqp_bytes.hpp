#pragma once

// A string as rabbitmq-c's byte view, for the calls that name an exchange, a queue, a routing
// key or a message body. rabbitmq-c only reads through it; the string must outlive the call.

#include <amqp.h>

#include <string>

namespace s3storm::events {

inline amqp_bytes_t bytes_of(const std::string& s) {
  return {s.size(), const_cast<char*>(s.data())};
}

}  // namespace s3storm::events
