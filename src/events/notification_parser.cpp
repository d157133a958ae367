#include "events/notification_parser.hpp"

#include <fmt/core.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

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

// A size sent as a string: decimal digits only (none reads as 0); nullopt past 2^64 - 1 too.
std::optional<std::uint64_t> size_from_text(std::string_view text) {
  if (text.empty()) return 0;
  std::uint64_t parsed = 0;
  const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (error != std::errc{} || stop != text.data() + text.size()) return std::nullopt;
  return parsed;
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
    const auto parsed = size_from_text(value->get_ref<const std::string&>());
    if (!parsed) throw NotificationParseError("record: \"size\" is not a number");
    return *parsed;
  }
  throw NotificationParseError("record: \"size\" is not a non-negative number");
}

// AWS sends the ETag bare; others keep the HTTP quotes. Reports show it bare.
std::string bare_etag(const std::string& etag) {
  return std::string(unquoted_etag(etag));
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

// The S3 event name an EventBridge event stands for: "Object Created" by its reason, "Object
// Deleted" by its deletion type. Other detail types (restores, tags, ACLs, storage class) keep
// their own name, so the matcher lists them apart.
std::string eventbridge_event_name(const json& event, const json& detail) {
  const auto& type = required_string(event, "detail-type", "EventBridge event");
  if (type == "Object Created") {
    const std::string reason = optional_string(detail, "reason");
    if (reason == "PutObject") return "ObjectCreated:Put";
    if (reason == "POST Object") return "ObjectCreated:Post";
    if (reason == "CopyObject") return "ObjectCreated:Copy";
    if (reason == "CompleteMultipartUpload") return "ObjectCreated:CompleteMultipartUpload";
    return "ObjectCreated:" + reason;
  }
  if (type == "Object Deleted") {
    const std::string deletion = optional_string(detail, "deletion-type");
    if (deletion == "Delete Marker Created") return "ObjectRemoved:DeleteMarkerCreated";
    if (optional_string(detail, "reason") == "Lifecycle Expiration") {
      return "LifecycleExpiration:" +
             std::string(deletion == "Permanently Deleted" ? "Delete" : deletion);
    }
    return "ObjectRemoved:Delete";
  }
  return "EventBridge:" + type;
}

// An S3 event as EventBridge delivers it (to an SQS queue or an API destination): one object a
// message, under "detail".
EventRecord parse_eventbridge_event(const json& event) {
  const json& detail = required_object(event, "detail", "EventBridge event");
  EventRecord parsed;
  parsed.name = eventbridge_event_name(event, detail);
  parsed.kind = event_kind_from_name(parsed.name);
  parsed.event_time = optional_string(event, "time");
  parsed.event_source = optional_string(event, "source");
  parsed.bucket = required_string(required_object(detail, "bucket", "EventBridge detail"), "name",
                                  "EventBridge detail.bucket");
  const json& object = required_object(detail, "object", "EventBridge detail");
  parsed.key = required_string(object, "key", "EventBridge detail.object");
  parsed.size = size_of(object);
  parsed.etag = bare_etag(optional_string(object, "etag"));
  return parsed;
}

void parse_s3_document(const json& document, Notification& out) {
  if (!document.is_object()) throw NotificationParseError("body is not a JSON object");
  if (is_test_event(document)) {
    ++out.test_events;
    return;
  }
  if (member(document, "detail-type") != nullptr && member(document, "Records") == nullptr) {
    out.records.push_back(parse_eventbridge_event(document));
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

// The fast path for the common delivery, a plain {"Records":[...]} body: one SAX pass that keeps
// only the fields a record needs, instead of building the whole document (a ~700-byte AWS record
// is mostly identity and request ids we never read). Anything it is not sure about (SNS, test
// events, a missing or mistyped field, a repeated field, invalid JSON) makes it give up, and the
// document parser below decides, with its error messages.
class RecordsOnlySax {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  explicit RecordsOnlySax(std::vector<EventRecord>& records) : records_(records) {}

  bool complete() const { return done_ && seen_records_; }

  bool null() { return scalar(); }
  bool boolean(bool) { return scalar(); }
  bool number_integer(number_integer_t value) {
    if (skipping_ > 0) return true;
    if (slot_ == Slot::size && value >= 0) return take_size(static_cast<std::uint64_t>(value));
    return scalar();
  }
  bool number_unsigned(number_unsigned_t value) {
    if (skipping_ > 0) return true;
    if (slot_ == Slot::size) return take_size(value);
    return scalar();
  }
  bool number_float(number_float_t, const string_t&) { return scalar(); }
  bool binary(binary_t&) { return false; }

  bool string(string_t& value) {
    if (skipping_ > 0) return true;
    if (where_ == Where::records) return false;
    const Slot slot = std::exchange(slot_, Slot::none);
    switch (slot) {
      case Slot::event_name:
        record_.name = std::move(value);
        return true;
      case Slot::event_time:
        record_.event_time = std::move(value);
        return true;
      case Slot::event_source:
        record_.event_source = std::move(value);
        return true;
      case Slot::bucket_name:
        record_.bucket = std::move(value);
        return true;
      case Slot::key:
        record_.key = std::move(value);
        return true;
      case Slot::etag:
        record_.etag = std::move(value);
        return true;
      case Slot::size: {
        const auto parsed = size_from_text(value);
        if (!parsed) return false;
        record_.size = *parsed;
        return true;
      }
      case Slot::none:
        return true;
      default:
        return false;  // a string where an object or array belongs
    }
  }

  bool start_object(std::size_t) {
    if (skipping_ > 0 ||
        (where_ != Where::nothing && slot_ == Slot::none && where_ != Where::records)) {
      ++skipping_;
      return true;
    }
    const Slot slot = std::exchange(slot_, Slot::none);
    switch (where_) {
      case Where::nothing:
        where_ = Where::top;
        return true;
      case Where::records:
        record_ = EventRecord{};
        seen_ = 0;
        where_ = Where::record;
        return true;
      default:
        break;
    }
    switch (slot) {
      case Slot::s3:
        where_ = Where::s3;
        return true;
      case Slot::bucket:
        where_ = Where::bucket;
        return true;
      case Slot::object:
        where_ = Where::object;
        return true;
      case Slot::event_time:
      case Slot::event_source:
      case Slot::etag:
        ++skipping_;  // optional strings of another type count as absent
        return true;
      default:
        return false;
    }
  }

  bool end_object() {
    if (skipping_ > 0) {
      --skipping_;
      return true;
    }
    switch (where_) {
      case Where::top:
        done_ = true;
        where_ = Where::nothing;
        return true;
      case Where::record:
        if ((seen_ & kRequired) != kRequired) return false;
        finish_record();
        where_ = Where::records;
        return true;
      case Where::s3:
        where_ = Where::record;
        return true;
      case Where::bucket:
      case Where::object:
        where_ = Where::s3;
        return true;
      default:
        return false;
    }
  }

  bool start_array(std::size_t) {
    if (skipping_ > 0) {
      ++skipping_;
      return true;
    }
    const Slot slot = std::exchange(slot_, Slot::none);
    if (slot == Slot::records) {
      where_ = Where::records;
      return true;
    }
    if (where_ == Where::records) return false;  // Records hold objects only
    if (slot == Slot::none || slot == Slot::event_time || slot == Slot::event_source ||
        slot == Slot::etag) {
      ++skipping_;
      return true;
    }
    return false;
  }

  bool end_array() {
    if (skipping_ > 0) {
      --skipping_;
      return true;
    }
    if (where_ != Where::records) return false;
    where_ = Where::top;
    return true;
  }

  bool key(string_t& name) {
    if (skipping_ > 0) return true;
    slot_ = Slot::none;
    switch (where_) {
      case Where::top:
        // SNS envelopes and test events take the document path.
        if (name == "Type" || name == "Event") return false;
        if (name == "Records") {
          if (seen_records_) return false;
          seen_records_ = true;
          slot_ = Slot::records;
        }
        return true;
      case Where::record:
        if (name == "eventName") return claim(kEventName, Slot::event_name);
        if (name == "eventTime") return claim(kEventTime, Slot::event_time);
        if (name == "eventSource") return claim(kEventSource, Slot::event_source);
        if (name == "s3") return claim(kS3, Slot::s3);
        return true;
      case Where::s3:
        if (name == "bucket") return claim(kBucket, Slot::bucket);
        if (name == "object") return claim(kObject, Slot::object);
        return true;
      case Where::bucket:
        if (name == "name") return claim(kBucketName, Slot::bucket_name);
        return true;
      case Where::object:
        if (name == "key") return claim(kKey, Slot::key);
        if (name == "size") return claim(kSize, Slot::size);
        if (name == "eTag") return claim(kEtag, Slot::etag);
        return true;
      default:
        return false;
    }
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  enum class Where { nothing, top, records, record, s3, bucket, object };
  enum class Slot {
    none,
    records,
    event_name,
    event_time,
    event_source,
    s3,
    bucket,
    bucket_name,
    object,
    key,
    size,
    etag
  };
  // Which fields a record has shown, to require some and to give up on repeats.
  enum : unsigned {
    kEventName = 1u << 0,
    kEventTime = 1u << 1,
    kEventSource = 1u << 2,
    kS3 = 1u << 3,
    kBucket = 1u << 4,
    kBucketName = 1u << 5,
    kObject = 1u << 6,
    kKey = 1u << 7,
    kSize = 1u << 8,
    kEtag = 1u << 9,
    kRequired = kEventName | kS3 | kBucket | kBucketName | kObject | kKey,
  };

  bool claim(unsigned field, Slot slot) {
    if (seen_ & field) return false;
    seen_ |= field;
    slot_ = slot;
    return true;
  }

  // A value that is none of the fields we read, or one of them with a type we leave to the
  // document parser (a required string that is not one, a negative or fractional size).
  bool scalar() {
    if (skipping_ > 0) return true;
    if (where_ == Where::records) return false;  // Records hold objects only
    const Slot slot = std::exchange(slot_, Slot::none);
    return slot == Slot::none || slot == Slot::event_time || slot == Slot::event_source ||
           slot == Slot::etag;
  }

  bool take_size(std::uint64_t value) {
    slot_ = Slot::none;
    record_.size = value;
    return true;
  }

  void finish_record() {
    // The same normalisation as parse_record below.
    if (const std::string_view name = strip_s3_prefix(record_.name);
        name.size() != record_.name.size()) {
      record_.name = std::string(name);
    }
    record_.kind = event_kind_from_name(record_.name);
    if (const auto bare = unquoted_etag(record_.etag); bare.size() != record_.etag.size()) {
      record_.etag = std::string(bare);
    }
    records_.push_back(std::move(record_));
  }

  std::vector<EventRecord>& records_;
  EventRecord record_;
  Where where_ = Where::nothing;
  Slot slot_ = Slot::none;
  unsigned seen_ = 0;
  int skipping_ = 0;  // depth inside a value we do not read
  bool seen_records_ = false;
  bool done_ = false;
};

// Drives a SAX handler over the JSON deliveries are made of: ASCII strings without escapes. Text
// outside that (an escape, a control or non-ASCII byte in a string, deeper than 64 levels) or
// invalid JSON makes it give up, and nlohmann's reader decides. nlohmann's lexer copies every
// string a byte at a time and was ~70% of a webhook delivery's instructions; this copies each
// string once, and hands the handler only what it needs: integers that fit 64 bits as integers,
// any other number as a float whose value the handler never reads.
template <class Handler>
class PlainJsonReader {
 public:
  PlainJsonReader(std::string_view text, Handler& handler)
      : p_(text.data()), end_(text.data() + text.size()), handler_(handler) {}

  bool read() {
    skip_space();
    if (!value(0)) return false;
    skip_space();
    return p_ == end_;
  }

 private:
  static constexpr int kMaxDepth = 64;

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string_token() && handler_.string(token_);
      case 't':
        return literal("true") && handler_.boolean(true);
      case 'f':
        return literal("false") && handler_.boolean(false);
      case 'n':
        return literal("null") && handler_.null();
      default:
        return number();
    }
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    if (!handler_.start_object(static_cast<std::size_t>(-1))) return false;
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return handler_.end_object();
    }
    for (;;) {
      skip_space();
      if (p_ == end_ || *p_ != '"' || !string_token() || !handler_.key(token_)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      if (!value(depth)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      return handler_.end_object();
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    if (!handler_.start_array(static_cast<std::size_t>(-1))) return false;
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return handler_.end_array();
    }
    for (;;) {
      skip_space();
      if (!value(depth)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != ']') return false;
      ++p_;
      return handler_.end_array();
    }
  }

  bool string_token() {
    const char* start = ++p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        token_.assign(start, p_);
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    return false;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool number() {
    const char* start = p_;
    bool integral = true;
    if (*p_ == '-') {
      integral = false;  // a negative number is never one the handler keeps
      ++p_;
    }
    if (p_ == end_ || !is_digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (p_ != end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (integral) {
      std::uint64_t parsed = 0;
      const auto [stop, error] = std::from_chars(start, p_, parsed);
      if (error == std::errc{} && stop == p_) return handler_.number_unsigned(parsed);
    }
    token_.assign(start, p_);
    return handler_.number_float(0.0, token_);
  }

  const char* p_;
  const char* end_;
  Handler& handler_;
  std::string token_;  // the current string or number, reused
};

// The records of a plain {"Records":[...]} body, or nullopt when the document parser must decide.
std::optional<std::vector<EventRecord>> parse_records_fast(std::string_view body) {
  std::vector<EventRecord> records;
  {
    RecordsOnlySax sax(records);
    if (PlainJsonReader(body, sax).read() && sax.complete()) return records;
  }
  // Escapes or non-ASCII text, most likely: nlohmann's reader, still without the document.
  records.clear();
  RecordsOnlySax sax(records);
  const bool parsed = json::sax_parse(body.data(), body.data() + body.size(), &sax);
  if (!parsed || !sax.complete()) return std::nullopt;
  return records;
}

}  // namespace

Notification parse_notification(std::string_view body) {
  Notification out;
  if (auto records = parse_records_fast(body)) {
    out.records = std::move(*records);
    return out;
  }
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
