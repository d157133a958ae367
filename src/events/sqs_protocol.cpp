#include "events/sqs_protocol.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace s3storm::events {

namespace {

using nlohmann::json;

json parse_object(std::string_view body, std::string_view what) {
  json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) {
    throw std::runtime_error(fmt::format("{} response is not a JSON object", what));
  }
  return document;
}

std::string string_member(const json& object, const char* name, std::string_view what) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string()) {
    throw std::runtime_error(fmt::format("{} entry without a string {}", what, name));
  }
  return found->get<std::string>();
}

}  // namespace

void write_receive_body(std::string& out, const SqsReceiveRequest& request) {
  json body = {
      {"QueueUrl", request.queue_url},
      {"MaxNumberOfMessages", request.max_messages},
      {"WaitTimeSeconds", request.wait.count()},
  };
  if (request.visibility.count() > 0) body["VisibilityTimeout"] = request.visibility.count();
  out = body.dump();
}

void write_delete_batch_body(std::string& out, std::string_view queue_url,
                             const std::vector<std::string>& receipt_handles) {
  json entries = json::array();
  for (std::size_t i = 0; i < receipt_handles.size(); ++i) {
    entries.push_back({{"Id", std::to_string(i)}, {"ReceiptHandle", receipt_handles[i]}});
  }
  out = json{{"QueueUrl", queue_url}, {"Entries", std::move(entries)}}.dump();
}

std::vector<SqsMessage> parse_receive_response(std::string_view body) {
  // An empty long poll may come back as "{}" or with no body at all.
  if (body.empty()) return {};
  const json document = parse_object(body, "ReceiveMessage");
  std::vector<SqsMessage> out;
  const auto messages = document.find("Messages");
  if (messages == document.end() || messages->is_null()) return out;
  if (!messages->is_array()) throw std::runtime_error("ReceiveMessage Messages is not a list");
  out.reserve(messages->size());
  for (const auto& message : *messages) {
    if (!message.is_object()) throw std::runtime_error("ReceiveMessage message is not an object");
    SqsMessage m;
    m.receipt_handle = string_member(message, "ReceiptHandle", "ReceiveMessage");
    m.body = string_member(message, "Body", "ReceiveMessage");
    if (const auto id = message.find("MessageId"); id != message.end() && id->is_string()) {
      m.message_id = id->get<std::string>();
    }
    out.push_back(std::move(m));
  }
  return out;
}

SqsDeleteOutcome parse_delete_batch_response(std::string_view body) {
  const json document = parse_object(body, "DeleteMessageBatch");
  SqsDeleteOutcome out;
  if (const auto ok = document.find("Successful"); ok != document.end() && ok->is_array()) {
    out.deleted = ok->size();
  }
  if (const auto failed = document.find("Failed"); failed != document.end() && failed->is_array()) {
    for (const auto& entry : *failed) {
      const auto code = entry.is_object() ? entry.find("Code") : entry.end();
      out.failure_codes.push_back(entry.is_object() && code != entry.end() && code->is_string()
                                      ? code->get<std::string>()
                                      : std::string("unknown"));
    }
  }
  return out;
}

std::string sqs_error_code(unsigned status, std::string_view body, std::string_view query_error) {
  const json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_object()) {
    // AWS writes "__type"; some implementations write "code".
    for (const char* name : {"__type", "code"}) {
      const auto found = document.find(name);
      if (found == document.end() || !found->is_string()) continue;
      std::string type = found->get<std::string>();
      if (const auto hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
      if (!type.empty()) return type;
    }
  }
  if (!query_error.empty()) {
    auto code = query_error.substr(0, query_error.find(';'));
    constexpr std::string_view prefix = "AWS.SimpleQueueService.";
    if (code.starts_with(prefix)) code.remove_prefix(prefix.size());
    if (!code.empty()) return std::string(code);
  }
  return fmt::format("http_{}", status);
}

}  // namespace s3storm::events
