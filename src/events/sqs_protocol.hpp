#pragma once

// The two SQS actions the poller uses, in the SQS JSON protocol (what current AWS SDKs speak):
// POST / with X-Amz-Target "AmazonSQS.<Action>" and a JSON body of type application/x-amz-json-1.0.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace s3storm::events {

inline constexpr std::string_view kSqsContentType = "application/x-amz-json-1.0";
inline constexpr std::string_view kSqsReceiveTarget = "AmazonSQS.ReceiveMessage";
inline constexpr std::string_view kSqsDeleteBatchTarget = "AmazonSQS.DeleteMessageBatch";
inline constexpr std::size_t kSqsMaxBatch = 10;  // per ReceiveMessage and per DeleteMessageBatch

struct SqsReceiveRequest {
  std::string_view queue_url;
  int max_messages = 10;
  std::chrono::seconds wait{20};
  std::chrono::seconds visibility{0};  // 0: the queue's own visibility timeout
};

struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
};

struct SqsDeleteOutcome {
  std::size_t deleted = 0;
  std::vector<std::string> failure_codes;  // one per failed entry
};

// Bodies are written into `out` (cleared first) so a poller reuses its buffers.
void write_receive_body(std::string& out, const SqsReceiveRequest& request);
// Entry Ids are the positions "0".."n-1"; at most kSqsMaxBatch handles.
void write_delete_batch_body(std::string& out, std::string_view queue_url,
                             const std::vector<std::string>& receipt_handles);

// Throw std::runtime_error on a body that is not the documented shape.
std::vector<SqsMessage> parse_receive_response(std::string_view body);
SqsDeleteOutcome parse_delete_batch_response(std::string_view body);

// The error code of a failed call: the JSON "__type" after its '#'
// ("com.amazonaws.sqs#QueueDoesNotExist" -> "QueueDoesNotExist"), else the x-amzn-query-error
// header before ';', else "http_<status>".
std::string sqs_error_code(unsigned status, std::string_view body, std::string_view query_error);

}  // namespace s3storm::events
