#include "events/notification_parser.hpp"

#include <fmt/core.h>
#include <simdjson.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

namespace s3storm::events {

namespace {

namespace od = simdjson::ondemand;

// One pass of simdjson On-Demand over the whole body. Every value is read or, when no field needs
// it, still checked (numbers, literals, string escapes), so a body is refused as invalid JSON
// exactly when it is. What the fields say is collected into drafts first and judged after the
// pass, in a fixed order: the body's shape can depend on a field that comes later ("Event",
// "Records"), and a repeated field keeps its last value.
struct InvalidJson {
  const char* reason = "is not valid JSON";
};

// Nesting past this is refused rather than followed: the check below recurses, once a level.
constexpr int kMaxDepth = 1024;

void check_value(od::value& value, int depth = 0);

// A number as JSON writes it that a double holds (an integer past 64 bits included, as nlohmann
// read it); simdjson refuses integers past 64 bits, so this tells them apart from text that is
// no number, or one past double's range (which nlohmann refused too).
bool is_finite_json_number(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size() && std::isfinite(std::strtod(std::string(text).c_str(), nullptr));
}

// The number, or nullopt for an integer that fits neither int64 nor uint64 (read as a float).
// simdjson's get_number() leaves the value where it was, and On-Demand skips a value left
// unread without checking what follows it, so each number is consumed by the getter of its type.
std::optional<od::number> read_number(od::value& value) {
  od::number number;
  if (value.get_number().get(number) == simdjson::SUCCESS) {
    switch (number.get_number_type()) {
      case od::number_type::signed_integer:
        (void)std::int64_t(value.get_int64());
        break;
      case od::number_type::unsigned_integer:
        (void)std::uint64_t(value.get_uint64());
        break;
      default:
        (void)double(value.get_double());
    }
    return number;
  }
  if (!is_finite_json_number(value.raw_json_token())) throw InvalidJson{};
  (void)double(value.get_double());
  return std::nullopt;
}

// A number that is the whole document: simdjson's getter checks that nothing follows; a number
// it stops short of (past 64 bits) must be all the text there is.
bool is_whole_document_number(od::document& root, std::string_view text) {
  od::number number;
  if (root.get_number().get(number) == simdjson::SUCCESS) return true;
  const std::string_view token = root.raw_json_token();
  return is_finite_json_number(token) && token.data() + token.size() == text.data() + text.size();
}

// Bit 7 of each byte of `word` that is zero, exact up to the first such byte (a borrow may mark
// bytes after it), which is the only one the caller uses.
constexpr std::uint64_t zero_bytes(std::uint64_t word) {
  return (word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull;
}

// Where the first '"' or '\\' at or after `p` is, eight bytes at a time: names are read once per
// field of every event, and a byte loop was a tenth of the receiver's instructions. Reading up to
// seven bytes past that character stays inside the body's padding (read_document).
const char* quote_or_backslash(const char* p) {
  static_assert(std::endian::native == std::endian::little);
  for (;; p += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    const std::uint64_t hits =
        zero_bytes(word ^ 0x2222222222222222ull) | zero_bytes(word ^ 0x5C5C5C5C5C5C5C5Cull);
    if (hits != 0) return p + std::countr_zero(hits) / 8;  // little-endian: the lowest byte first
  }
}

// A field's name as written when it has no escape (nearly all), else unescaped. The closing quote
// is there: simdjson's first pass refuses unterminated strings.
std::string_view field_name(od::field& field) {
  const char* const start = field.key().raw();
  const char* const end = quote_or_backslash(start);
  if (*end == '"') return {start, static_cast<std::size_t>(end - start)};
  return field.unescaped_key();
}

template <class OnField>
void for_each_field(od::object object, OnField&& on_field) {
  for (auto member : object) {
    if (member.error() != simdjson::SUCCESS) throw InvalidJson{};
    od::field& field = member.value_unsafe();  // not copied out: a copy stalls on its store
    on_field(field_name(field), field.value());
  }
}

// A string we do not keep needs unescaping only to check an escape (the first pass checked its
// UTF-8 and control characters); it is consumed either way, for the reason read_number gives.
void check_string(od::value& value) {
  if (value.raw_json_token().find('\\') != std::string_view::npos) {
    (void)std::string_view(value.get_string());
  } else {
    (void)od::raw_json_string(value.get_raw_json_string());
  }
}

void check_value(od::value& value, int depth) {
  switch (od::json_type(value.type())) {
    case od::json_type::object:
      if (depth >= kMaxDepth) throw InvalidJson{"nests deeper than 1024 levels"};
      for_each_field(value.get_object(),
                     [&](std::string_view, od::value& inner) { check_value(inner, depth + 1); });
      return;
    case od::json_type::array:
      if (depth >= kMaxDepth) throw InvalidJson{"nests deeper than 1024 levels"};
      for (auto element : value.get_array()) check_value(element.value(), depth + 1);
      return;
    case od::json_type::string:
      check_string(value);
      return;
    case od::json_type::number:
      (void)read_number(value);
      return;
    case od::json_type::boolean:
      (void)bool(value.get_bool());
      return;
    case od::json_type::null:
      if (!bool(value.is_null())) throw InvalidJson{};
      return;
  }
  throw InvalidJson{};
}

enum class Seen : std::uint8_t { kAbsent, kAsExpected, kOtherType };

struct Text {
  Seen seen = Seen::kAbsent;
  std::string value;
  bool is_string() const { return seen == Seen::kAsExpected; }
};

void read_text(od::value& value, Text& out) {
  if (od::json_type(value.type()) == od::json_type::string) {
    out.seen = Seen::kAsExpected;
    out.value = std::string_view(value.get_string());
  } else {
    check_value(value);
    out.seen = Seen::kOtherType;
    out.value.clear();
  }
}

// A string field we only note the presence of.
void read_presence(od::value& value, Seen& seen) {
  seen =
      od::json_type(value.type()) == od::json_type::string ? Seen::kAsExpected : Seen::kOtherType;
  check_value(value);
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
struct Size {
  enum class State : std::uint8_t { kAbsent, kNumber, kBadText, kNotNonNegative };
  State state = State::kAbsent;
  std::uint64_t value = 0;
};

void read_size(od::value& value, Size& out) {
  out = Size{};
  switch (od::json_type(value.type())) {
    case od::json_type::number: {
      const std::optional<od::number> number = read_number(value);
      if (number && number->is_uint64()) {
        out.value = number->get_uint64();
      } else if (number && number->is_int64() && number->get_int64() >= 0) {
        out.value = static_cast<std::uint64_t>(number->get_int64());
      } else {
        out.state = Size::State::kNotNonNegative;
        return;
      }
      out.state = Size::State::kNumber;
      return;
    }
    case od::json_type::string: {
      const auto parsed = size_from_text(std::string_view(value.get_string()));
      out.state = parsed ? Size::State::kNumber : Size::State::kBadText;
      out.value = parsed.value_or(0);
      return;
    }
    default:
      check_value(value);
      out.state = Size::State::kNotNonNegative;
  }
}

// Reads an object member into a fresh draft (a repeated member replaces the earlier one); a value
// of another type is checked and marked.
template <class Draft, class OnField>
void read_object(od::value& value, Draft& draft, OnField&& on_field) {
  draft = Draft{};
  if (od::json_type(value.type()) != od::json_type::object) {
    check_value(value);
    draft.seen = Seen::kOtherType;
    return;
  }
  draft.seen = Seen::kAsExpected;
  for_each_field(od::object(value.get_object()), [&](std::string_view name, od::value& inner) {
    if (!on_field(name, inner)) check_value(inner);
  });
}

struct BucketDraft {
  Seen seen = Seen::kAbsent;
  Text name;
  Seen arn = Seen::kAbsent;
};

bool read_bucket_field(std::string_view name, od::value& value, BucketDraft& bucket) {
  if (name == "name") {
    read_text(value, bucket.name);
  } else if (name == "arn") {
    read_presence(value, bucket.arn);
  } else {
    return false;
  }
  return true;
}

struct ObjectDraft {
  Seen seen = Seen::kAbsent;
  Text key;
  Size size;
  Text etag;
  Text sequencer;
  Text version_id;
};

// S3 records and EventBridge details spell two of the object's fields differently.
struct ObjectFieldNames {
  std::string_view etag;
  std::string_view version_id;
};
constexpr ObjectFieldNames kRecordObjectNames{"eTag", "versionId"};
constexpr ObjectFieldNames kEventBridgeObjectNames{"etag", "version-id"};

bool read_object_field(std::string_view name, od::value& value, ObjectDraft& object,
                       const ObjectFieldNames& names) {
  if (name == "key") {
    read_text(value, object.key);
  } else if (name == "size") {
    read_size(value, object.size);
  } else if (name == names.etag) {
    read_text(value, object.etag);
  } else if (name == "sequencer") {
    read_text(value, object.sequencer);
  } else if (name == names.version_id) {
    read_text(value, object.version_id);
  } else {
    return false;
  }
  return true;
}

struct S3Draft {
  Seen seen = Seen::kAbsent;
  Seen schema_version = Seen::kAbsent;
  Seen configuration_id = Seen::kAbsent;
  BucketDraft bucket;
  ObjectDraft object;
};

struct RecordDraft {
  Seen seen = Seen::kAbsent;
  Text event_version;
  Text event_source;
  Seen aws_region = Seen::kAbsent;
  Text event_time;
  Text event_name;
  Seen principal_id = Seen::kAbsent;
  Seen request_id = Seen::kAbsent;
  S3Draft s3;
};

// Objects we note one field of (userIdentity.principalId, responseElements.x-amz-request-id).
struct OneFieldDraft {
  Seen seen = Seen::kAbsent;
  Seen field = Seen::kAbsent;
};

void read_one_field(od::value& value, std::string_view wanted, Seen& field) {
  OneFieldDraft draft;
  read_object(value, draft, [&](std::string_view name, od::value& inner) {
    if (name != wanted) return false;
    read_presence(inner, draft.field);
    return true;
  });
  field = draft.field;
}

void read_record(od::value& value, RecordDraft& record) {
  read_object(value, record, [&](std::string_view name, od::value& inner) {
    if (name == "eventVersion") {
      read_text(inner, record.event_version);
    } else if (name == "eventSource") {
      read_text(inner, record.event_source);
    } else if (name == "awsRegion") {
      read_presence(inner, record.aws_region);
    } else if (name == "eventTime") {
      read_text(inner, record.event_time);
    } else if (name == "eventName") {
      read_text(inner, record.event_name);
    } else if (name == "userIdentity") {
      read_one_field(inner, "principalId", record.principal_id);
    } else if (name == "responseElements") {
      read_one_field(inner, "x-amz-request-id", record.request_id);
    } else if (name == "s3") {
      read_object(inner, record.s3, [&](std::string_view s3_name, od::value& s3_value) {
        if (s3_name == "s3SchemaVersion") {
          read_presence(s3_value, record.s3.schema_version);
        } else if (s3_name == "configurationId") {
          read_presence(s3_value, record.s3.configuration_id);
        } else if (s3_name == "bucket") {
          read_object(s3_value, record.s3.bucket, [&](std::string_view n, od::value& v) {
            return read_bucket_field(n, v, record.s3.bucket);
          });
        } else if (s3_name == "object") {
          read_object(s3_value, record.s3.object, [&](std::string_view n, od::value& v) {
            return read_object_field(n, v, record.s3.object, kRecordObjectNames);
          });
        } else {
          return false;
        }
        return true;
      });
    } else {
      return false;
    }
    return true;
  });
}

// Copies a text into a record field when it was a string, and marks it carried. A copy, not a
// move: the draft and the record both keep their buffers for the next event (see read_records).
void take(const Text& text, std::string& into, std::uint32_t& fields, RecordField field) {
  if (!text.is_string()) return;
  into.assign(text.value);
  fields |= field;
}

// A record reused for another event: every field as a fresh one has it, buffers kept.
void reset_record(EventRecord& out) {
  out.kind = EventKind::kOther;
  out.size = 0;
  out.fields = 0;
  for (std::string* text :
       {&out.name, &out.bucket, &out.key, &out.etag, &out.event_time, &out.event_source,
        &out.sequencer, &out.version_id, &out.event_version}) {
    text->clear();
  }
}

void mark(Seen seen, std::uint32_t& fields, RecordField field) {
  if (seen == Seen::kAsExpected) fields |= field;
}

// The object part both shapes share; nullptr, or the first thing wrong with it.
const char* finish_object(ObjectDraft& object, EventRecord& out, const char* missing_key) {
  if (!object.key.is_string()) return missing_key;
  take(object.key, out.key, out.fields, kFieldKey);
  switch (object.size.state) {
    case Size::State::kBadText:
      return "record: \"size\" is not a number";
    case Size::State::kNotNonNegative:
      return "record: \"size\" is not a non-negative number";
    case Size::State::kNumber:
      out.size = object.size.value;
      out.fields |= kFieldSize;
      break;
    case Size::State::kAbsent:
      break;
  }
  if (object.etag.is_string()) {
    // AWS sends the ETag bare; others keep the HTTP quotes. Reports show it bare.
    out.etag.assign(unquoted_etag(object.etag.value));
    out.fields |= kFieldEtag;
  }
  take(object.sequencer, out.sequencer, out.fields, kFieldSequencer);
  take(object.version_id, out.version_id, out.fields, kFieldVersionId);
  return nullptr;
}

void set_name(EventRecord& out, std::string_view name) {
  out.name.assign(strip_s3_prefix(name));
  out.kind = event_kind_from_name(out.name);
  out.fields |= kFieldEventName;
}

// The record, or the first thing wrong with it in the order the fields are required.
const char* finish_record(RecordDraft& record, EventRecord& out) {
  if (record.seen != Seen::kAsExpected) return "Records: an element is not an object";
  if (!record.event_name.is_string()) return "record: missing string field \"eventName\"";
  S3Draft& s3 = record.s3;
  if (s3.seen != Seen::kAsExpected) return "record: missing object \"s3\"";
  if (s3.bucket.seen != Seen::kAsExpected) return "record.s3: missing object \"bucket\"";
  if (!s3.bucket.name.is_string()) return "record.s3.bucket: missing string field \"name\"";
  if (s3.object.seen != Seen::kAsExpected) return "record.s3: missing object \"object\"";
  set_name(out, record.event_name.value);
  take(record.event_version, out.event_version, out.fields, kFieldEventVersion);
  take(record.event_source, out.event_source, out.fields, kFieldEventSource);
  take(record.event_time, out.event_time, out.fields, kFieldEventTime);
  mark(record.aws_region, out.fields, kFieldAwsRegion);
  mark(record.principal_id, out.fields, kFieldPrincipalId);
  mark(record.request_id, out.fields, kFieldRequestId);
  mark(s3.schema_version, out.fields, kFieldS3SchemaVersion);
  mark(s3.configuration_id, out.fields, kFieldConfigurationId);
  take(s3.bucket.name, out.bucket, out.fields, kFieldBucketName);
  mark(s3.bucket.arn, out.fields, kFieldBucketArn);
  return finish_object(s3.object, out, "record.s3.object: missing string field \"key\"");
}

struct DetailDraft {
  Seen seen = Seen::kAbsent;
  BucketDraft bucket;
  ObjectDraft object;
  Text reason;
  Text deletion_type;
  Seen request_id = Seen::kAbsent;
  Seen requester = Seen::kAbsent;
};

void read_detail(od::value& value, DetailDraft& detail) {
  read_object(value, detail, [&](std::string_view name, od::value& inner) {
    if (name == "bucket") {
      read_object(inner, detail.bucket, [&](std::string_view n, od::value& v) {
        return read_bucket_field(n, v, detail.bucket);
      });
    } else if (name == "object") {
      read_object(inner, detail.object, [&](std::string_view n, od::value& v) {
        return read_object_field(n, v, detail.object, kEventBridgeObjectNames);
      });
    } else if (name == "reason") {
      read_text(inner, detail.reason);
    } else if (name == "deletion-type") {
      read_text(inner, detail.deletion_type);
    } else if (name == "request-id") {
      read_presence(inner, detail.request_id);
    } else if (name == "requester") {
      read_presence(inner, detail.requester);
    } else {
      return false;
    }
    return true;
  });
}

// What one JSON document's top level said, for every shape at once.
struct Document {
  bool is_object = false;
  Text event;  // s3:TestEvent
  Text sns_type;
  Text sns_message;
  Text subscribe_url;
  Text detail_type;
  Text time;
  Text source;
  Seen region = Seen::kAbsent;
  DetailDraft detail;
  Seen records_seen = Seen::kAbsent;
  // Records are read into the caller's Notification, reusing the ones it holds: the first
  // records_used of them are this document's.
  std::vector<EventRecord>* records = nullptr;
  std::size_t records_used = 0;
  const char* records_error = nullptr;  // the first record that is wrong
};

void read_records(od::value& value, Document& document) {
  document.records_used = 0;
  document.records_error = nullptr;
  if (od::json_type(value.type()) != od::json_type::array) {
    check_value(value);
    document.records_seen = Seen::kOtherType;
    return;
  }
  document.records_seen = Seen::kAsExpected;
  // Per thread, so its strings keep their capacity from one event to the next: with the reused
  // records, a delivery allocates nothing once the receiver's thread has seen one like it.
  thread_local RecordDraft draft;
  auto& records = *document.records;
  for (auto element : value.get_array()) {
    read_record(element.value(), draft);
    if (document.records_error != nullptr) continue;
    if (document.records_used == records.size()) records.emplace_back();
    EventRecord& record = records[document.records_used];
    reset_record(record);
    document.records_error = finish_record(draft, record);
    if (document.records_error == nullptr) ++document.records_used;
  }
}

void read_top_field(std::string_view name, od::value& value, Document& document) {
  if (name == "Records") {
    read_records(value, document);
  } else if (name == "Event") {
    read_text(value, document.event);
  } else if (name == "Type") {
    read_text(value, document.sns_type);
  } else if (name == "Message") {
    read_text(value, document.sns_message);
  } else if (name == "SubscribeURL") {
    read_text(value, document.subscribe_url);
  } else if (name == "detail-type") {
    read_text(value, document.detail_type);
  } else if (name == "detail") {
    read_detail(value, document.detail);
  } else if (name == "time") {
    read_text(value, document.time);
  } else if (name == "source") {
    read_text(value, document.source);
  } else if (name == "region") {
    read_presence(value, document.region);
  } else {
    check_value(value);
  }
}

// simdjson reads up to 64 bytes past the end of the text: a per-thread copy with that padding
// (the webhook calls this from several threads), and a per-thread parser whose buffers are reused.
Document read_document(std::string_view text, std::vector<EventRecord>& records) {
  thread_local od::parser parser;
  thread_local std::string padded;
  // A leading UTF-8 byte order mark is not part of the JSON (nlohmann skipped it too).
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  padded.assign(text);
  padded.append(simdjson::SIMDJSON_PADDING, ' ');
  Document document;
  document.records = &records;
  try {
    od::document root = parser.iterate(padded.data(), text.size(), padded.size());
    switch (od::json_type(root.type())) {
      case od::json_type::object:
        document.is_object = true;
        for_each_field(od::object(root.get_object()), [&](std::string_view name, od::value& value) {
          read_top_field(name, value, document);
        });
        break;
      case od::json_type::array:
        for (auto element : root.get_array()) check_value(element.value());
        break;
      case od::json_type::string:
        (void)std::string_view(root.get_string());
        break;
      case od::json_type::number:
        if (!is_whole_document_number(root, {padded.data(), text.size()})) throw InvalidJson{};
        return document;
      case od::json_type::boolean:
        (void)bool(root.get_bool());
        break;
      case od::json_type::null:
        if (!bool(root.is_null())) throw InvalidJson{};
        break;
    }
    // Anything after the first value (another value, stray text) makes the body invalid.
    if (root.current_location().error() != simdjson::OUT_OF_BOUNDS) throw InvalidJson{};
  } catch (const simdjson::simdjson_error&) {
    throw InvalidJson{};
  }
  return document;
}

Document parse_json(std::string_view text, const char* what, std::vector<EventRecord>& records) {
  try {
    return read_document(text, records);
  } catch (const InvalidJson& invalid) {
    throw NotificationParseError(fmt::format("{} {}", what, invalid.reason));
  }
}

// The S3 event name an EventBridge event stands for: "Object Created" by its reason, "Object
// Deleted" by its deletion type, "Object Tags Added/Deleted" as the tagging events S3 sends for
// PutObjectTagging/DeleteObjectTagging. Other detail types (restores, ACLs, storage class) keep
// their own name, so the matcher lists them apart.
std::string eventbridge_event_name(const std::string& type, const DetailDraft& detail) {
  if (type == "Object Created") {
    const std::string& reason = detail.reason.value;
    if (reason == "PutObject") return "ObjectCreated:Put";
    if (reason == "POST Object") return "ObjectCreated:Post";
    if (reason == "CopyObject") return "ObjectCreated:Copy";
    if (reason == "CompleteMultipartUpload") return "ObjectCreated:CompleteMultipartUpload";
    return "ObjectCreated:" + reason;
  }
  if (type == "Object Deleted") {
    const std::string& deletion = detail.deletion_type.value;
    if (deletion == "Delete Marker Created") return "ObjectRemoved:DeleteMarkerCreated";
    if (detail.reason.value == "Lifecycle Expiration") {
      return "LifecycleExpiration:" +
             std::string(deletion == "Permanently Deleted" ? "Delete" : deletion);
    }
    return "ObjectRemoved:Delete";
  }
  if (type == "Object Tags Added") return "ObjectTagging:Put";
  if (type == "Object Tags Deleted") return "ObjectTagging:Delete";
  return "EventBridge:" + type;
}

// An S3 event as EventBridge delivers it (to an SQS queue or an API destination): one object a
// message, under "detail". It has no eventVersion, schema version, configuration id or bucket ARN;
// its "requester" stands for the principal.
EventRecord finish_eventbridge_event(Document& document) {
  DetailDraft& detail = document.detail;
  if (detail.seen != Seen::kAsExpected) {
    throw NotificationParseError("EventBridge event: missing object \"detail\"");
  }
  if (!document.detail_type.is_string()) {
    throw NotificationParseError("EventBridge event: missing string field \"detail-type\"");
  }
  EventRecord out;
  set_name(out, eventbridge_event_name(document.detail_type.value, detail));
  if (detail.bucket.seen != Seen::kAsExpected) {
    throw NotificationParseError("EventBridge detail: missing object \"bucket\"");
  }
  if (!detail.bucket.name.is_string()) {
    throw NotificationParseError("EventBridge detail.bucket: missing string field \"name\"");
  }
  if (detail.object.seen != Seen::kAsExpected) {
    throw NotificationParseError("EventBridge detail: missing object \"object\"");
  }
  take(document.time, out.event_time, out.fields, kFieldEventTime);
  take(document.source, out.event_source, out.fields, kFieldEventSource);
  mark(document.region, out.fields, kFieldAwsRegion);
  mark(detail.request_id, out.fields, kFieldRequestId);
  mark(detail.requester, out.fields, kFieldPrincipalId);
  take(detail.bucket.name, out.bucket, out.fields, kFieldBucketName);
  if (const char* error = finish_object(
          detail.object, out, "EventBridge detail.object: missing string field \"key\"")) {
    throw NotificationParseError(error);
  }
  return out;
}

bool is_test_event(const Document& document) {
  return document.event.is_string() && strip_s3_prefix(document.event.value) == "TestEvent";
}

void add_s3_document(Document& document, Notification& out) {
  if (!document.is_object) throw NotificationParseError("body is not a JSON object");
  if (is_test_event(document)) {
    ++out.test_events;
    out.records.clear();
    return;
  }
  if (document.detail_type.seen != Seen::kAbsent && document.records_seen == Seen::kAbsent) {
    out.records.assign(1, finish_eventbridge_event(document));
    return;
  }
  if (document.records_seen == Seen::kAbsent) {
    throw NotificationParseError(
        "body has no \"Records\" (nor an SNS \"Type\" or an s3:TestEvent \"Event\")");
  }
  if (document.records_seen != Seen::kAsExpected) {
    throw NotificationParseError("\"Records\" is not an array");
  }
  if (document.records_error != nullptr) throw NotificationParseError(document.records_error);
  out.records.resize(document.records_used);
}

}  // namespace

Notification parse_notification(std::string_view body) {
  Notification out;
  parse_notification(body, out);
  return out;
}

void parse_notification(std::string_view body, Notification& out) {
  out.test_events = 0;
  out.subscribe_url.clear();
  Document document = parse_json(body, "body", out.records);
  if (!document.is_object) throw NotificationParseError("body is not a JSON object");

  // MinIO's envelope also has "Records", so only SNS needs telling apart here.
  if (document.sns_type.is_string() && document.records_seen == Seen::kAbsent) {
    const std::string& type = document.sns_type.value;
    if (type == "Notification") {
      if (!document.sns_message.is_string()) {
        throw NotificationParseError("SNS Notification: missing string field \"Message\"");
      }
      Document message = parse_json(document.sns_message.value, "SNS Message", out.records);
      add_s3_document(message, out);
    } else if (type == "SubscriptionConfirmation") {
      if (!document.subscribe_url.is_string()) {
        throw NotificationParseError(
            "SNS SubscriptionConfirmation: missing string field \"SubscribeURL\"");
      }
      out.subscribe_url = std::move(document.subscribe_url.value);
    } else if (type != "UnsubscribeConfirmation") {
      throw NotificationParseError(fmt::format("unknown SNS message Type \"{}\"", type));
    }
    if (type != "Notification") out.records.clear();
    return;
  }
  add_s3_document(document, out);
}

}  // namespace s3storm::events
