#include "events/notification_parser.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

namespace s3storm::events {

namespace {

using nlohmann::json;

const json* member(const json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

const std::string& required_string(const json& object, const char* name, const char* where) {
  const json* value = member(object, name);
  if (value == nullptr || !value->is_string()) {
    throw NotificationParseError(fmt::format("{}: missing string field \"{}\"", where, name));
  }
  return value->get_ref<const std::string&>();
}

std::string optional_string(const json& object, const char* name) {
  const json* value = member(object, name);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

const json& required_object(const json& object, const char* name, const char* where) {
  const json* value = member(object, name);
  if (value == nullptr || !value->is_object()) {
    throw NotificationParseError(fmt::format("{}: missing object \"{}\"", where, name));
  }
  return *value;
}

// Delete events carry no size; some servers send it as a string.
std::uint64_t size_of(const json& object) {
  const json* value = member(object, "size");
  if (value == nullptr) return 0;
  if (value->is_number_unsigned()) return value->get<std::uint64_t>();
  if (value->is_number_integer() && value->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value->get<std::int64_t>());
  }
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    std::uint64_t parsed = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') throw NotificationParseError("record: \"size\" is not a number");
      parsed = parsed * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return parsed;
  }
  throw NotificationParseError("record: \"size\" is not a non-negative number");
}

// AWS sends the ETag bare; others keep the HTTP quotes. Reports show it bare.
std::string bare_etag(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

EventRecord parse_record(const json& record) {
  if (!record.is_object()) throw NotificationParseError("Records: an element is not an object");
  EventRecord parsed;
  const auto& name = required_string(record, "eventName", "record");
  parsed.name = std::string(strip_s3_prefix(name));
  parsed.kind = event_kind_from_name(parsed.name);
  parsed.event_time = optional_string(record, "eventTime");
  parsed.event_source = optional_string(record, "eventSource");
  const json& s3 = required_object(record, "s3", "record");
  parsed.bucket =
      required_string(required_object(s3, "bucket", "record.s3"), "name", "record.s3.bucket");
  const json& object = required_object(s3, "object", "record.s3");
  parsed.key = required_string(object, "key", "record.s3.object");
  parsed.size = size_of(object);
  parsed.etag = bare_etag(optional_string(object, "eTag"));
  return parsed;
}

bool is_test_event(const json& document) {
  const json* event = member(document, "Event");
  return event != nullptr && event->is_string() &&
         strip_s3_prefix(event->get_ref<const std::string&>()) == "TestEvent";
}

void parse_s3_document(const json& document, Notification& out) {
  if (!document.is_object()) throw NotificationParseError("body is not a JSON object");
  if (is_test_event(document)) {
    ++out.test_events;
    return;
  }
  const json* records = member(document, "Records");
  if (records == nullptr) {
    throw NotificationParseError(
        "body has no \"Records\" (nor an SNS \"Type\" or an s3:TestEvent \"Event\")");
  }
  if (!records->is_array()) throw NotificationParseError("\"Records\" is not an array");
  out.records.reserve(out.records.size() + records->size());
  for (const auto& record : *records) out.records.push_back(parse_record(record));
}

json parse_json(std::string_view text, const char* what) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    throw NotificationParseError(fmt::format("{} is not valid JSON", what));
  return document;
}

}  // namespace

Notification parse_notification(std::string_view body) {
  Notification out;
  const json document = parse_json(body, "body");
  if (!document.is_object()) throw NotificationParseError("body is not a JSON object");

  // MinIO's envelope also has "Records", so only SNS needs telling apart here.
  const json* sns_type = member(document, "Type");
  if (sns_type != nullptr && sns_type->is_string() && member(document, "Records") == nullptr) {
    const auto& type = sns_type->get_ref<const std::string&>();
    if (type == "Notification") {
      parse_s3_document(
          parse_json(required_string(document, "Message", "SNS Notification"), "SNS Message"), out);
    } else if (type == "SubscriptionConfirmation") {
      out.subscribe_url = required_string(document, "SubscribeURL", "SNS SubscriptionConfirmation");
    } else if (type != "UnsubscribeConfirmation") {
      throw NotificationParseError(fmt::format("unknown SNS message Type \"{}\"", type));
    }
    return out;
  }
  parse_s3_document(document, out);
  return out;
}

}  // namespace s3storm::events
