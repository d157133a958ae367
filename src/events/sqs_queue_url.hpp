#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/endpoint.hpp"

namespace s3storm::events {

// Where the SQS JSON-protocol requests for one queue go. They are POSTed to "/" of the queue
// URL's authority; the URL itself travels in the body as QueueUrl.
struct SqsQueueAddress {
  std::string queue_url;              // as given
  http::Endpoint connect;             // where the TCP connection goes
  std::string host_header;            // the queue URL's authority, sent (and signed) as Host
  std::optional<std::string> region;  // from a "sqs.<region>." host, when there is one
};

// Accepts http(s)://host[:port]/path with a non-empty path. A host that ends in a dotted IPv4
// literal ("sqs.us-east-1.127.0.0.1", fauxqs) or in ".localhost" names a local emulator whose
// name does not resolve: the connection goes to that literal (or 127.0.0.1) while Host keeps the
// full name. Throws s3storm::UsageError naming the URL.
SqsQueueAddress parse_sqs_queue_url(std::string_view url);

// The queue URL's region, else `fallback`.
std::string sqs_region(const SqsQueueAddress& address, std::string_view fallback);

}  // namespace s3storm::events
