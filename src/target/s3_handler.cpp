#include "target/s3_handler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "s3/xml_requests.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/uri_encoding.hpp"
#include "target/byte_range.hpp"
#include "target/crypto.hpp"
#include "target/event_record.hpp"
#include "target/post_policy.hpp"
#include "target/s3_error.hpp"
#include "target/s3_routes.hpp"
#include "target/tagging.hpp"
#include "target/upload_body.hpp"
#include "target/xml_bodies.hpp"
#include "target/xml_documents.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"

namespace s3storm::target {

namespace {

constexpr std::string_view kXml = "application/xml";
constexpr std::string_view kDefaultContentType = "binary/octet-stream";

Metadata user_metadata(const http::ServerRequest& request) {
  Metadata out;
  for (const auto& [name, value] : request.headers) {
    if (ascii::istarts_with(name, "x-amz-meta-")) {
      std::string lowered = name;
      for (auto& c : lowered) c = ascii::lower(c);
      out.emplace_back(std::move(lowered), value);
    }
  }
  return out;
}

// Empty when the request has none, or one its signature does not cover: the object then has S3's
// default type, filled in when it is read, so the common PUT without a type stores no string.
std::string content_type_of(const http::ServerRequest& request, const VerifiedCaller& caller) {
  return caller.content_type_signed ? std::string(request.header("content-type")) : std::string();
}

std::string_view content_type_or_default(const std::string& stored) {
  return stored.empty() ? kDefaultContentType : std::string_view(stored);
}

// 16 upper-case hex digits, as S3's request ids look. By hand: fmt's format string parse was a
// visible share of a request's CPU.
void write_request_id(std::uint64_t id, std::array<char, 16>& digits) {
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, id >>= 4) {
    *it = hex::kUpperDigits[id & 0xF];
  }
}

// The response copies the value, so one buffer per thread serves every request.
void set_etag_header(http::ServerResponse& response, std::string_view etag) {
  thread_local std::string buffer;
  buffer.assign(1, '"').append(etag).push_back('"');
  response.set_header("ETag", buffer);
}

// The versionId an event or answer names for a version written: none for the null version of
// a bucket without versioning (the common PUT under load builds no string).
std::string written_version_id(const ObjectInfo& object) {
  return object.version == 0 ? std::string() : version_id_text(object.version);
}

void set_version_header(http::ServerResponse& response, const std::string& version_id) {
  if (!version_id.empty()) response.set_header("x-amz-version-id", version_id);
}

std::shared_ptr<const TagSet> tagging_header(const http::ServerRequest& request) {
  const std::string_view header = request.header("x-amz-tagging");
  return header.empty() ? nullptr : parse_tagging_header(header);
}

// DeleteObjects is one of the requests S3 refuses without an integrity header.
void require_integrity_header(const http::ServerRequest& request) {
  if (!request.header("content-md5").empty()) return;
  for (const auto& [name, value] : request.headers) {
    if (ascii::istarts_with(name, "x-amz-checksum-")) return;
  }
  throw S3Error(ErrorCode::kInvalidRequest,
                "Missing required header for this request: Content-MD5");
}

// GetObject's response-* query parameters and the header each one overrides.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kResponseOverrides{{
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
    {"response-content-language", "Content-Language"},
    {"response-content-type", "Content-Type"},
    {"response-expires", "Expires"},
}};

void set_checksum_headers(http::ServerResponse& response,
                          const std::optional<ObjectChecksum>& checksum) {
  if (!checksum) return;
  response.set_header(checksum_header(checksum->algorithm), checksum->value);
  response.set_header("x-amz-checksum-type", checksum->type());
}

// CreateMultipartUpload's x-amz-checksum-algorithm and x-amz-checksum-type.
std::optional<UploadChecksumPlan> upload_checksum_plan(const http::ServerRequest& request) {
  const std::string_view name = request.header("x-amz-checksum-algorithm");
  const std::string_view type = request.header("x-amz-checksum-type");
  if (name.empty()) {
    if (!type.empty()) {
      throw S3Error(ErrorCode::kInvalidRequest,
                    "The x-amz-checksum-type header can only be used with the "
                    "x-amz-checksum-algorithm header.");
    }
    return std::nullopt;
  }
  const auto algorithm = checksum_algorithm_named(name);
  if (!algorithm) {
    throw S3Error(ErrorCode::kInvalidRequest, "Checksum algorithm provided is unsupported.");
  }
  UploadChecksumPlan plan{*algorithm, false};
  if (ascii::iequals(type, "FULL_OBJECT")) {
    if (*algorithm == ChecksumAlgorithm::kSha1 || *algorithm == ChecksumAlgorithm::kSha256) {
      throw S3Error(ErrorCode::kInvalidRequest,
                    "The FULL_OBJECT checksum type cannot be used "
                    "with the " +
                        std::string(checksum_name(*algorithm)) + " checksum algorithm.");
    }
    plan.full_object = true;
  } else if (!type.empty() && !ascii::iequals(type, "COMPOSITE")) {
    throw S3Error(ErrorCode::kInvalidRequest, "Value for x-amz-checksum-type header is invalid.");
  }
  return plan;
}

int parse_int(std::string_view text, int fallback, std::string_view name) {
  if (text.empty()) return fallback;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) {
    throw S3Error(ErrorCode::kInvalidArgument, "Invalid argument " + std::string(name))
        .with("ArgumentName", std::string(name))
        .with("ArgumentValue", std::string(text));
  }
  return value;
}

// A listing's encoding-type: "url" (keys percent-encoded in the answer) or none.
bool url_encoding_asked(const RequestTarget& target) {
  const std::string_view encoding = target.get("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    throw S3Error(ErrorCode::kInvalidArgument, "Invalid Encoding Method specified in Request")
        .with("ArgumentName", "encoding-type");
  }
  return !encoding.empty();
}

// The operations whose body is a document rather than object data. SDKs send these with a
// CRC32 (or Content-MD5) by default, and may frame them aws-chunked: held to the same rules as an
// upload before they change anything. CompleteMultipartUpload is not among them: its checksum
// headers name the whole object's checksum, not the body's.
bool carries_document_body(Operation operation) {
  switch (operation) {
    case Operation::kCreateBucket:
    case Operation::kPutBucketNotification:
    case Operation::kDeleteObjects:
    case Operation::kPutAcl:
    case Operation::kPutObjectTagging:
    case Operation::kPutBucketVersioning:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct S3Handler::Context {
  http::ServerRequest& request;
  http::ServerResponse& response;
  RequestTarget target;
  std::string_view request_id;  // in request_id_digits
  VerifiedCaller caller;
  std::array<char, 16> request_id_digits{};
};

HandlerCounters S3Handler::counters() const {
  HandlerCounters out;
  out.requests = requests_.load();
  out.errors = errors_.load();
  out.injected_slow_down = slow_downs_.load();
  out.injected_resets = resets_.load();
  out.injected_delays = delays_.load();
  out.injected_body_corruptions = body_corruptions_.load();
  return out;
}

std::string_view S3Handler::begin(http::ServerResponse& response,
                                  std::array<char, 16>& request_id_digits) {
  ++requests_;
  // Formatted in place: a 16-character std::string would be one more allocation per request.
  write_request_id(next_request_id_++, request_id_digits);
  const std::string_view request_id{request_id_digits.data(), request_id_digits.size()};
  response.set_header("x-amz-request-id", request_id);
  response.set_header("x-amz-id-2", request_id);
  response.set_header("Server", "s3storm");
  return request_id;
}

void S3Handler::answer_error(const http::ServerRequest& request, http::ServerResponse& response,
                             const RequestTarget& target, std::string_view request_id,
                             const S3Error& error) {
  ++errors_;
  response.status = error_status(error.code());
  response.headers.erase(
      std::remove_if(response.headers.begin(), response.headers.end(),
                     [](const auto& header) { return ascii::istarts_with(header.first, "etag"); }),
      response.headers.end());
  const std::string_view path =
      target.raw_path.empty() ? std::string_view(request.target) : target.raw_path;
  if (request.method == "HEAD") {
    response.body.clear();  // HEAD answers carry no body, not even an error document
  } else {
    response.set_header("Content-Type", std::string(kXml));
    response.body = error_document(error, path, request_id);
  }
}

http::BodyAdmission S3Handler::check_header(const http::ServerRequest& request,
                                            http::ServerResponse& response) {
  RequestTarget target;
  try {
    target =
        parse_request_target(request.target, request.header("host"), options_.virtual_host_suffix);
    const Route& route = route_request(request, target);
    // A form's signature and policy are in its body: it can only be capped, not judged yet.
    if (route.operation == Operation::kPostObject) return http::BodyAdmission::kReadUnauthenticated;
    const VerifiedCaller caller = auth_.verify_header(
        request, target.virtual_hosted ? std::string_view(target.bucket) : std::string_view());
    // serve --anonymous let an unsigned request in: its body is nobody's.
    return caller.access_key_id.empty() ? http::BodyAdmission::kReadUnauthenticated
                                        : http::BodyAdmission::kRead;
  } catch (const S3Error& error) {
    std::array<char, 16> digits{};
    answer_error(request, response, target, begin(response, digits), error);
    return http::BodyAdmission::kRefuse;
  }
}

void S3Handler::answer_refusal(const http::ServerRequest& request, http::ServerResponse& response) {
  const unsigned status = response.status;
  std::array<char, 16> digits{};
  const std::string_view request_id = begin(response, digits);
  RequestTarget target;
  try {
    target =
        parse_request_target(request.target, request.header("host"), options_.virtual_host_suffix);
  } catch (const S3Error&) {
    // The error document names the raw target instead.
  }
  if (status == 413) {
    // S3's code for a body past its limit, under the status the server refused it with (S3
    // itself says 400, past its 5 GiB).
    answer_error(request, response, target, request_id,
                 S3Error(ErrorCode::kEntityTooLarge,
                         "Your proposed upload exceeds the maximum allowed size"));
    response.status = status;
    return;
  }
  answer_error(request, response, target, request_id,
               S3Error(ErrorCode::kSlowDown, "Please reduce your request rate."));
}

void S3Handler::handle(http::ServerRequest& request, http::ServerResponse& response) {
  Context context{request, response, {}, {}, {}};
  context.request_id = begin(response, context.request_id_digits);
  try {
    context.target =
        parse_request_target(request.target, request.header("host"), options_.virtual_host_suffix);
    // A run configures its buckets before the load: faults spare that, so a faulty target can
    // still be set up and the faults land on the measured requests.
    const bool configures_bucket = !context.target.bucket.empty() && context.target.key.empty() &&
                                   (request.method == "PUT" || request.method == "DELETE" ||
                                    context.target.has("notification"));
    const RequestFault fault = configures_bucket ? RequestFault{} : faults_.next_request();
    if (fault.delay.count() > 0) {
      ++delays_;
      response.delay = fault.delay;  // the server holds the answer on a timer, not on a thread
    }
    if (fault.reset) {
      ++resets_;
      response.reset_connection = true;
      return;
    }
    if (fault.slow_down) {
      ++slow_downs_;
      throw S3Error(ErrorCode::kSlowDown, "Please reduce your request rate.");
    }
    dispatch(context);
  } catch (const S3Error& error) {
    answer_error(request, response, context.target, context.request_id, error);
  }
}

void S3Handler::dispatch(Context& context) {
  const auto& request = context.request;
  const auto& target = context.target;
  const Route& route = route_request(request, target);
  // A browser-form POST authenticates with its policy, not with a header or query signature.
  if (route.operation == Operation::kPostObject) return post_object(context);
  if (!target.key.empty()) store_.prefetch(target.bucket, target.key);
  context.caller = auth_.verify(
      request, target.virtual_hosted ? std::string_view(target.bucket) : std::string_view());
  if (carries_document_body(route.operation)) accept_upload_body(context.request, context.caller);

  auto& response = context.response;
  const std::string& bucket = target.bucket;
  const std::string& key = target.key;
  switch (route.operation) {
    case Operation::kListBuckets:
      response.set_header("Content-Type", std::string(kXml));
      response.body = list_buckets_document(store_.list_buckets(), options_.owner);
      return;
    case Operation::kCreateBucket:
      parse_create_bucket_configuration(request.body);
      store_.create_bucket(bucket);
      response.set_header("Location", "/" + bucket);
      return;
    case Operation::kHeadBucket:
      store_.head_bucket(bucket);
      return;
    case Operation::kDeleteBucket:
      store_.delete_bucket(bucket);
      response.status = 204;
      return;
    case Operation::kListObjects:
      return list_objects(context, target.get("list-type") == "2");
    case Operation::kGetBucketLocation:
      store_.head_bucket(bucket);
      response.set_header("Content-Type", std::string(kXml));
      response.body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint "
          "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LocationConstraint>";
      return;
    case Operation::kGetBucketNotification: {
      const auto rules = store_.notification_rules(bucket);
      response.set_header("Content-Type", std::string(kXml));
      response.body = notification_configuration_document(rules.get());
      return;
    }
    case Operation::kPutBucketNotification:
      store_.set_notification_rules(bucket, parse_notification_configuration(request.body));
      return;
    case Operation::kListMultipartUploads: {
      const std::string prefix(target.get("prefix"));
      response.set_header("Content-Type", std::string(kXml));
      response.body = list_uploads_document(bucket, prefix, store_.list_uploads(bucket, prefix));
      return;
    }
    case Operation::kDeleteObjects:
      return delete_objects(context);
    case Operation::kPutObject:
      return put_object(context);
    case Operation::kCopyObject:
      return copy_object(context);
    case Operation::kGetObject:
    case Operation::kHeadObject:
      return get_object(context, route.operation == Operation::kHeadObject);
    case Operation::kDeleteObject:
      return delete_object(context);
    case Operation::kCreateMultipartUpload: {
      const auto checksum = upload_checksum_plan(request);
      const std::string id =
          store_.create_upload(bucket, key, content_type_of(request, context.caller),
                               user_metadata(request), checksum, tagging_header(request));
      if (checksum) {
        response.set_header("x-amz-checksum-algorithm", checksum_name(checksum->algorithm));
        response.set_header("x-amz-checksum-type",
                            checksum->full_object ? "FULL_OBJECT" : "COMPOSITE");
      }
      response.set_header("Content-Type", std::string(kXml));
      response.body = initiate_multipart_document(bucket, key, id);
      return;
    }
    case Operation::kUploadPart: {
      const int number = parse_int(target.get("partNumber"), -1, "partNumber");
      auto checksum = accept_upload_body(context.request, context.caller);
      const PartInfo part =
          store_.upload_part(bucket, key, std::string(target.get("uploadId")), number,
                             std::move(context.request.body), std::move(checksum));
      set_etag_header(response, part.etag);
      set_checksum_headers(response, part.checksum);
      return;
    }
    case Operation::kCompleteMultipartUpload:
      return complete_upload(context);
    case Operation::kAbortMultipartUpload:
      store_.abort_upload(bucket, key, std::string(target.get("uploadId")));
      response.status = 204;
      return;
    case Operation::kListParts: {
      const std::string upload_id(target.get("uploadId"));
      response.set_header("Content-Type", std::string(kXml));
      response.body =
          list_parts_document(bucket, key, upload_id, store_.list_parts(bucket, key, upload_id));
      return;
    }
    case Operation::kGetAcl:
    case Operation::kPutAcl:
      // The resource must exist; its ACL is always the owner's FULL_CONTROL.
      if (key.empty()) {
        store_.head_bucket(bucket);
      } else if (const auto version = parse_version_id(target.get("versionId"))) {
        store_.get_version(bucket, key, *version);
      } else {
        store_.get_object(bucket, key);
      }
      if (route.operation == Operation::kPutAcl) {
        check_acl_request(request.header("x-amz-acl"), request.body);
        return;
      }
      response.set_header("Content-Type", std::string(kXml));
      response.body = access_control_policy_document(options_.owner);
      return;
    case Operation::kGetObjectTagging:
      return get_object_tagging(context);
    case Operation::kPutObjectTagging:
    case Operation::kDeleteObjectTagging:
      return put_object_tagging(context, route.operation == Operation::kDeleteObjectTagging);
    case Operation::kGetBucketVersioning:
      response.set_header("Content-Type", std::string(kXml));
      response.body = versioning_configuration_document(store_.versioning(bucket));
      return;
    case Operation::kPutBucketVersioning:
      store_.set_versioning(bucket, parse_versioning_configuration(request.body));
      return;
    case Operation::kListObjectVersions:
      return list_object_versions(context);
    case Operation::kPostObject:
    case Operation::kNotImplemented:
      break;  // routed above
  }
  throw S3Error(ErrorCode::kInternalError, "unrouted operation");
}

void S3Handler::notify(Context& context, std::string_view event_name, const std::string& key,
                       const ObjectInfo* object, std::string_view version_id) {
  if (!events_.may_emit(context.target.bucket)) return;
  EventDetails event = event_for(context, event_name, key, version_id);
  if (object) {
    event.size = object->size;
    event.etag = object->etag;
  }
  events_.emit(std::move(event));
}

EventDetails S3Handler::event_for(const Context& context, std::string_view event_name,
                                  const std::string& key, std::string_view version_id) const {
  EventDetails event;
  event.event_name = std::string(event_name);
  event.bucket = context.target.bucket;
  event.key = key;
  event.version_id = std::string(version_id);
  event.time = Clock::now();
  event.source_ip = context.request.remote_address;
  event.request_id = std::string(context.request_id);
  event.principal = options_.owner;
  return event;
}

void S3Handler::put_object(Context& context) {
  std::optional<sigv4::Digest> chunk_sha256;
  auto checksum = accept_upload_body(context.request, context.caller, &chunk_sha256);
  if (!checksum) checksum = default_checksum(context.request.body);
  // A body one verified chunk signature covered was held to its SHA-256 as a signed payload is:
  // under --discard it then gets the same ETag in either framing (docs/target.md).
  std::string_view checked_sha256 = context.caller.checked_payload_sha256;
  std::array<char, 64> chunk_sha256_hex{};
  if (chunk_sha256) {
    chunk_sha256_hex = hex::spell(*chunk_sha256);
    checked_sha256 = {chunk_sha256_hex.data(), chunk_sha256_hex.size()};
  }
  // Everything read from the request first: its body then moves into the store.
  std::string content_type = content_type_of(context.request, context.caller);
  Metadata metadata = user_metadata(context.request);
  auto tags = tagging_header(context.request);
  const ObjectInfo object =
      store_.put_object(context.target.bucket, context.target.key, std::move(context.request.body),
                        std::move(content_type), std::move(metadata), checked_sha256,
                        std::move(checksum), std::move(tags));
  set_etag_header(context.response, object.etag);
  set_checksum_headers(context.response, object.checksum);
  const std::string version_id = written_version_id(object);
  set_version_header(context.response, version_id);
  notify(context, "ObjectCreated:Put", context.target.key, &object, version_id);
}

void S3Handler::copy_object(Context& context) {
  std::string_view source = context.request.header("x-amz-copy-source");
  std::optional<VersionNumber> source_version;
  if (const auto question = source.find('?'); question != std::string_view::npos) {
    const std::string_view query = source.substr(question + 1);
    if (!query.starts_with("versionId=")) {
      throw S3Error(ErrorCode::kInvalidArgument, "Unsupported copy source parameter")
          .with("ArgumentName", "x-amz-copy-source");
    }
    source_version = parse_version_id(query.substr(10));
    source = source.substr(0, question);
  }
  std::string decoded = sigv4::uri_decode(source);
  if (!decoded.empty() && decoded.front() == '/') decoded.erase(0, 1);
  const auto slash = decoded.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == decoded.size()) {
    throw S3Error(ErrorCode::kInvalidArgument, "Copy Source must mention the source bucket and key")
        .with("ArgumentName", "x-amz-copy-source");
  }
  std::optional<std::pair<std::string, Metadata>> replacement;
  if (context.request.header("x-amz-metadata-directive") == "REPLACE") {
    replacement.emplace(content_type_of(context.request, context.caller),
                        user_metadata(context.request));
  }
  std::optional<std::shared_ptr<const TagSet>> tags;  // none: the source's are copied
  const std::string_view tagging_directive = context.request.header("x-amz-tagging-directive");
  if (tagging_directive == "REPLACE") {
    tags = tagging_header(context.request);
  } else if (!tagging_directive.empty() && tagging_directive != "COPY") {
    throw S3Error(ErrorCode::kInvalidArgument, "Unknown tagging directive.")
        .with("ArgumentName", "x-amz-tagging-directive")
        .with("ArgumentValue", std::string(tagging_directive));
  }
  const ObjectInfo object = store_.copy_object(
      decoded.substr(0, slash), decoded.substr(slash + 1), source_version, context.target.bucket,
      context.target.key, std::move(replacement), std::move(tags));
  if (source_version) {
    context.response.set_header("x-amz-copy-source-version-id", version_id_text(*source_version));
  }
  const std::string version_id = written_version_id(object);
  set_version_header(context.response, version_id);
  context.response.set_header("Content-Type", std::string(kXml));
  context.response.body = copy_object_document(object);
  notify(context, "ObjectCreated:Copy", context.target.key, &object, version_id);
}

void S3Handler::get_object(Context& context, bool head) {
  auto& response = context.response;
  ObjectInfo object;
  if (const auto version = parse_version_id(context.target.get("versionId"))) {
    ObjectVersion found = store_.get_version(context.target.bucket, context.target.key, *version);
    response.set_header("x-amz-version-id", version_id_text(*version));
    if (found.delete_marker) {
      response.set_header("x-amz-delete-marker", "true");
      throw S3Error(ErrorCode::kMethodNotAllowed,
                    "The specified method is not allowed against this resource.")
          .with("Method", context.request.method)
          .with("ResourceType", "DeleteMarker");
    }
    object = std::move(found.object);
  } else {
    bool bucket_versioned = false;
    try {
      object = store_.get_object(context.target.bucket, context.target.key, bucket_versioned);
    } catch (const S3Error& error) {
      // S3 says when the key's latest version is a delete marker, and names it.
      if (error.code() != ErrorCode::kNoSuchKey) throw;
      if (const auto marker =
              store_.latest_delete_marker(context.target.bucket, context.target.key)) {
        response.set_header("x-amz-delete-marker", "true");
        response.set_header("x-amz-version-id", version_id_text(*marker));
      }
      throw;
    }
    // On a bucket with versioning, the null version is named too.
    set_version_header(
        response, bucket_versioned ? version_id_text(object.version) : written_version_id(object));
  }
  if (object.tags) response.set_header("x-amz-tagging-count", std::to_string(object.tags->size()));
  set_etag_header(response, object.etag);
  response.set_header("Last-Modified", format_http_date(object.last_modified));
  response.set_header("Content-Type", content_type_or_default(object.content_type));
  response.set_header("Accept-Ranges", "bytes");
  for (const auto& [name, value] : object.metadata) response.set_header(name, value);
  if (!context.target.query.empty()) {
    for (const auto& [parameter, header] : kResponseOverrides) {
      if (context.target.has(parameter)) response.set_header(header, context.target.get(parameter));
    }
  }

  ByteRange range{0, object.size == 0 ? 0 : object.size - 1};
  std::uint64_t length = object.size;
  const std::string_view range_header = context.request.header("range");
  if (!range_header.empty()) {
    if (const auto chosen = parse_range(range_header, object.size)) {
      range = *chosen;
      length = range.last - range.first + 1;
      response.status = 206;
      response.set_header("Content-Range",
                          fmt::format("bytes {}-{}/{}", range.first, range.last, object.size));
    }
  }
  // A range's bytes are not what the checksum covers, so S3 sends it only for whole objects.
  if (response.status != 206 &&
      ascii::iequals(context.request.header("x-amz-checksum-mode"), "ENABLED")) {
    set_checksum_headers(response, object.checksum);
  }
  if (head) {
    response.set_header("Content-Length", std::to_string(length));
    return;
  }
  if (length == 0) return;
  if (object.body) {
    response.body.assign(*object.body, range.first, length);
  } else {
    response.body.assign(length, '\0');  // discard mode: the size is right, the bytes are not
  }
  if (faults_.next_body_corrupt()) {
    ++body_corruptions_;
    response.body[length / 2] ^= 0x5a;  // one byte in the middle: the size stays right
  }
}

void S3Handler::delete_object(Context& context) {
  const auto version = parse_version_id(context.target.get("versionId"));
  const DeleteOutcomeInfo outcome =
      store_.delete_object(context.target.bucket, context.target.key, version);
  auto& response = context.response;
  response.status = 204;
  if (outcome.delete_marker) response.set_header("x-amz-delete-marker", "true");
  // Named on a bucket with versioning, or when the request named one.
  const std::string version_id =
      outcome.versioned || version ? version_id_text(outcome.version) : std::string();
  set_version_header(response, version_id);
  const bool marker_created = outcome.delete_marker && !version;
  notify(context, marker_created ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete",
         context.target.key, nullptr, version_id);
}

void S3Handler::delete_objects(Context& context) {
  require_integrity_header(context.request);
  const DeleteRequest request = parse_delete_objects(context.request.body);
  std::vector<DeleteOutcome> outcomes;
  outcomes.reserve(request.objects.size());
  for (const auto& object : request.objects) {
    DeleteOutcome result;
    result.key = object.key;
    result.version_id = object.version_id;
    try {
      const auto version = parse_version_id(object.version_id);
      const DeleteOutcomeInfo outcome =
          store_.delete_object(context.target.bucket, object.key, version);
      const std::string version_id =
          outcome.versioned || version ? version_id_text(outcome.version) : std::string();
      const bool marker_created = outcome.delete_marker && !version;
      if (outcome.delete_marker) {
        result.delete_marker = true;
        result.delete_marker_version_id = version_id;
      }
      notify(context, marker_created ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete",
             object.key, nullptr, version_id);
    } catch (const S3Error& error) {
      if (error.code() == ErrorCode::kNoSuchBucket) throw;  // the whole request fails
      result.error_code = std::string(error_code_name(error.code()));
      result.error_message = error.what();
    }
    outcomes.push_back(std::move(result));
  }
  context.response.set_header("Content-Type", std::string(kXml));
  context.response.body = delete_result_document(outcomes, request.quiet);
}

void S3Handler::put_object_tagging(Context& context, bool remove) {
  const auto version = parse_version_id(context.target.get("versionId"));
  std::shared_ptr<const TagSet> tags;
  if (!remove) tags = share_tags(parse_tagging(context.request.body));
  const ObjectInfo object =
      store_.set_tags(context.target.bucket, context.target.key, version, std::move(tags));
  const std::string version_id = version ? version_id_text(*version) : written_version_id(object);
  // As for GET: once a bucket has had versioning, the answer names its null version too (the
  // event keeps the versionId it had).
  const bool bucket_versioned =
      store_.versioning(context.target.bucket) != Versioning::kUnversioned;
  set_version_header(context.response,
                     bucket_versioned ? version_id_text(object.version) : version_id);
  if (remove) context.response.status = 204;
  if (!events_.may_emit(context.target.bucket)) return;
  EventDetails event = event_for(context, remove ? "ObjectTagging:Delete" : "ObjectTagging:Put",
                                 context.target.key, version_id);
  event.etag = object.etag;  // S3's tagging events name the version's eTag, with no size
  events_.emit(std::move(event));
}

void S3Handler::get_object_tagging(Context& context) {
  const auto version = parse_version_id(context.target.get("versionId"));
  ObjectInfo object;
  if (version) {
    ObjectVersion found = store_.get_version(context.target.bucket, context.target.key, *version);
    if (found.delete_marker) {
      throw S3Error(ErrorCode::kMethodNotAllowed,
                    "The specified method is not allowed against this resource.")
          .with("Method", "GET")
          .with("ResourceType", "DeleteMarker");
    }
    object = std::move(found.object);
  } else {
    object = store_.get_object(context.target.bucket, context.target.key);
  }
  const bool bucket_versioned =
      store_.versioning(context.target.bucket) != Versioning::kUnversioned;
  set_version_header(context.response, version || bucket_versioned ? version_id_text(object.version)
                                                                   : written_version_id(object));
  context.response.set_header("Content-Type", std::string(kXml));
  context.response.body = tagging_document(object.tags.get());
}

void S3Handler::list_object_versions(Context& context) {
  const auto& target = context.target;
  const bool url_encode = url_encoding_asked(target);
  ListVersionsEcho echo;
  echo.bucket = target.bucket;
  echo.prefix = target.get("prefix");
  echo.key_marker = target.get("key-marker");
  echo.version_id_marker = target.get("version-id-marker");
  echo.max_keys = std::min(parse_int(target.get("max-keys"), 1000, "max-keys"), 1000);
  echo.url_encode = url_encode;
  ListVersionsRequest request;
  request.prefix = echo.prefix;
  request.key_marker = echo.key_marker;
  request.version_id_marker = echo.version_id_marker;
  request.max_keys = echo.max_keys;
  const ListVersionsResult result = store_.list_versions(target.bucket, request);
  context.response.set_header("Content-Type", std::string(kXml));
  context.response.body = list_versions_document(echo, result, options_.owner);
}

void S3Handler::list_objects(Context& context, bool v2) {
  const auto& target = context.target;
  const bool url_encode = url_encoding_asked(target);
  ListV2Echo echo;
  echo.bucket = target.bucket;
  echo.prefix = target.get("prefix");
  echo.delimiter = target.get("delimiter");
  echo.start_after = v2 ? target.get("start-after") : target.get("marker");
  echo.continuation_token = v2 ? target.get("continuation-token") : std::string_view{};
  echo.max_keys = std::min(parse_int(target.get("max-keys"), 1000, "max-keys"), 1000);
  echo.url_encode = url_encode;

  ListRequest request;
  request.prefix = echo.prefix;
  request.delimiter = echo.delimiter;
  request.start_after = echo.start_after;
  request.continuation_token = echo.continuation_token;
  request.max_keys = echo.max_keys;
  const ListResult result = store_.list_objects(target.bucket, request);

  context.response.set_header("Content-Type", std::string(kXml));
  if (v2) {
    context.response.body = list_objects_v2_document(echo, result);
    return;
  }
  // ListObjects (v1): the same listing, resumed by key ("marker") instead of a token.
  std::string body = list_objects_v2_document(echo, result);
  std::string next_marker;
  if (result.truncated) {
    const bool prefix_last =
        !result.common_prefixes.empty() &&
        (result.contents.empty() || result.common_prefixes.back() > result.contents.back().key);
    next_marker = prefix_last ? result.common_prefixes.back() : result.contents.back().key;
  }
  // Swap the v2-only elements for v1's.
  const auto token_at = body.find("<NextContinuationToken>");
  if (token_at != std::string::npos) {
    const auto token_end = body.find("</NextContinuationToken>") + 24;
    std::string marker_element = "<NextMarker>";
    s3::append_xml_escaped(marker_element, echo.url_encode ? [&] {
      std::string encoded;
      sigv4::append_uri_encoded(encoded, next_marker, true);
      return encoded;
    }() : next_marker);
    marker_element += "</NextMarker>";
    body.replace(token_at, token_end - token_at, marker_element);
  }
  context.response.body = std::move(body);
}

void S3Handler::complete_upload(Context& context) {
  const auto parts = parse_complete_multipart_upload(context.request.body);
  const ObjectInfo object = store_.complete_upload(context.target.bucket, context.target.key,
                                                   std::string(context.target.get("uploadId")),
                                                   parts, header_checksum(context.request));
  const std::string version_id = written_version_id(object);
  set_version_header(context.response, version_id);
  context.response.set_header("Content-Type", std::string(kXml));
  context.response.body = complete_multipart_document(
      "http://" + std::string(context.request.header("host")) +
          std::string(context.target.raw_path),
      context.target.bucket, context.target.key, object.etag, object.checksum);
  set_checksum_headers(context.response, object.checksum);
  notify(context, "ObjectCreated:CompleteMultipartUpload", context.target.key, &object, version_id);
}

void S3Handler::post_object(Context& context) {
  const auto& request = context.request;
  const std::string& bucket = context.target.bucket;
  if (!ascii::istarts_with(request.header("content-type"), "multipart/form-data")) {
    throw S3Error(ErrorCode::kPreconditionFailed,
                  "At least one of the pre-conditions you specified did not hold")
        .with("Condition", "Bucket POST must be of the enclosure-type multipart/form-data");
  }
  PostForm form = parse_post_form(request.header("content-type"), request.body);

  // nullopt: an unsigned form, which only serve --anonymous lets through (and without a policy).
  const auto signature = auth_.verify_post_form(form);
  std::optional<std::string> policy_json;
  if (signature) {
    policy_json = sigv4::base64_decode(form.field("policy"));
    if (!policy_json) {
      throw S3Error(ErrorCode::kInvalidPolicyDocument, "Invalid Policy: Invalid Base64 Encoding.");
    }
  }

  std::string key(form.field("key"));
  if (key.empty()) {
    throw S3Error(ErrorCode::kInvalidArgument, "Bucket POST must contain a field named 'key'.")
        .with("ArgumentName", "key");
  }
  if (const auto at = key.find("${filename}"); at != std::string::npos) {
    key.replace(at, 11, form.filename);
  }
  store_.head_bucket(bucket);
  if (signature) check_post_policy(*policy_json, bucket, key, form, auth_.now(), *signature);

  std::string content_type(form.field("content-type"));
  Metadata metadata;
  for (const auto& [name, value] : form.fields) {
    if (ascii::istarts_with(name, "x-amz-meta-")) metadata.emplace_back(name, value);
  }
  // A form carries its tags as a Tagging document, not as a query string.
  const std::string_view tagging = form.field("tagging");
  std::shared_ptr<const TagSet> tags =
      tagging.empty() ? nullptr : share_tags(parse_tagging(tagging));
  auto checksum = form_file_checksum(form);
  const ObjectInfo object =
      store_.put_object(bucket, key, std::move(form.file), std::move(content_type),
                        std::move(metadata), {}, std::move(checksum), std::move(tags));
  const std::string version_id = written_version_id(object);

  auto& response = context.response;
  set_checksum_headers(response, object.checksum);
  std::string location = "http://" + std::string(request.header("host")) + "/" + bucket + "/";
  sigv4::append_uri_encoded(location, key, true);
  set_etag_header(response, object.etag);
  set_version_header(response, version_id);
  response.set_header("Location", location);
  const std::string_view status = form.field("success_action_status");
  if (status == "201") {
    response.status = 201;
    response.set_header("Content-Type", std::string(kXml));
    response.body = post_response_document(location, bucket, key, object.etag);
  } else if (status == "200") {
    response.status = 200;
  } else {
    response.status = 204;
  }
  context.target.key = key;
  notify(context, "ObjectCreated:Post", key, &object, version_id);
}

}  // namespace s3storm::target
