#include "target/xml_documents.hpp"

#include <ctime>

#include "s3/xml_requests.hpp"
#include "sigv4/uri_encoding.hpp"
#include "target/request_target.hpp"
#include "util/iso_time.hpp"

namespace s3storm::target {

namespace {

constexpr std::string_view kHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kNamespace = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

void open_root(std::string& out, std::string_view name) {
  out += kHeader;
  out += '<';
  out += name;
  out += kNamespace;
  out += '>';
}

void close(std::string& out, std::string_view name) {
  out += "</";
  out += name;
  out += '>';
}

std::string quoted(std::string_view etag) {
  return "\"" + std::string(etag) + "\"";
}

std::string maybe_encoded(std::string_view text, bool url_encode) {
  if (!url_encode) return std::string(text);
  std::string out;
  sigv4::append_uri_encoded(out, text, true);
  return out;
}

}  // namespace

std::string format_http_date(Clock::time_point time) {
  const std::time_t whole = Clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return buffer;
}

std::string list_buckets_document(const std::vector<BucketInfo>& buckets, std::string_view owner) {
  std::string out;
  open_root(out, "ListAllMyBucketsResult");
  out += "<Owner>";
  s3::append_xml_element(out, "ID", owner);
  s3::append_xml_element(out, "DisplayName", owner);
  out += "</Owner><Buckets>";
  for (const auto& bucket : buckets) {
    out += "<Bucket>";
    s3::append_xml_element(out, "Name", bucket.name);
    s3::append_xml_element(out, "CreationDate", format_iso8601(bucket.created));
    out += "</Bucket>";
  }
  out += "</Buckets>";
  close(out, "ListAllMyBucketsResult");
  return out;
}

std::string list_objects_v2_document(const ListV2Echo& echo, const ListResult& result) {
  std::string out;
  open_root(out, "ListBucketResult");
  s3::append_xml_element(out, "Name", echo.bucket);
  s3::append_xml_element(out, "Prefix", maybe_encoded(echo.prefix, echo.url_encode));
  if (!echo.delimiter.empty())
    s3::append_xml_element(out, "Delimiter", maybe_encoded(echo.delimiter, echo.url_encode));
  if (!echo.start_after.empty()) {
    s3::append_xml_element(out, "StartAfter", maybe_encoded(echo.start_after, echo.url_encode));
  }
  if (!echo.continuation_token.empty())
    s3::append_xml_element(out, "ContinuationToken", echo.continuation_token);
  if (echo.url_encode) s3::append_xml_element(out, "EncodingType", "url");
  s3::append_xml_element(out, "KeyCount",
                         std::to_string(result.contents.size() + result.common_prefixes.size()));
  s3::append_xml_element(out, "MaxKeys", std::to_string(echo.max_keys));
  s3::append_xml_element(out, "IsTruncated", result.truncated ? "true" : "false");
  if (result.truncated)
    s3::append_xml_element(out, "NextContinuationToken", result.next_continuation_token);
  for (const auto& object : result.contents) {
    out += "<Contents>";
    s3::append_xml_element(out, "Key", maybe_encoded(object.key, echo.url_encode));
    s3::append_xml_element(out, "LastModified", format_iso8601(object.last_modified));
    s3::append_xml_element(out, "ETag", quoted(object.etag));
    s3::append_xml_element(out, "Size", std::to_string(object.size));
    s3::append_xml_element(out, "StorageClass", "STANDARD");
    out += "</Contents>";
  }
  for (const auto& prefix : result.common_prefixes) {
    out += "<CommonPrefixes>";
    s3::append_xml_element(out, "Prefix", maybe_encoded(prefix, echo.url_encode));
    out += "</CommonPrefixes>";
  }
  close(out, "ListBucketResult");
  return out;
}

std::string initiate_multipart_document(std::string_view bucket, std::string_view key,
                                        std::string_view upload_id) {
  std::string out;
  open_root(out, "InitiateMultipartUploadResult");
  s3::append_xml_element(out, "Bucket", bucket);
  s3::append_xml_element(out, "Key", key);
  s3::append_xml_element(out, "UploadId", upload_id);
  close(out, "InitiateMultipartUploadResult");
  return out;
}

std::string complete_multipart_document(std::string_view location, std::string_view bucket,
                                        std::string_view key, std::string_view etag,
                                        const std::optional<ObjectChecksum>& checksum) {
  std::string out;
  open_root(out, "CompleteMultipartUploadResult");
  s3::append_xml_element(out, "Location", location);
  s3::append_xml_element(out, "Bucket", bucket);
  s3::append_xml_element(out, "Key", key);
  s3::append_xml_element(out, "ETag", quoted(etag));
  if (checksum) {
    s3::append_xml_element(out, checksum_element(checksum->algorithm), checksum->value);
    s3::append_xml_element(out, "ChecksumType", checksum->type());
  }
  close(out, "CompleteMultipartUploadResult");
  return out;
}

std::string copy_object_document(const ObjectInfo& object) {
  std::string out;
  open_root(out, "CopyObjectResult");
  s3::append_xml_element(out, "LastModified", format_iso8601(object.last_modified));
  s3::append_xml_element(out, "ETag", quoted(object.etag));
  close(out, "CopyObjectResult");
  return out;
}

std::string list_uploads_document(std::string_view bucket, std::string_view prefix,
                                  const std::vector<UploadInfo>& uploads) {
  std::string out;
  open_root(out, "ListMultipartUploadsResult");
  s3::append_xml_element(out, "Bucket", bucket);
  s3::append_xml_element(out, "KeyMarker", "");
  s3::append_xml_element(out, "UploadIdMarker", "");
  s3::append_xml_element(out, "Prefix", prefix);
  s3::append_xml_element(out, "MaxUploads", "1000");
  s3::append_xml_element(out, "IsTruncated", "false");
  for (const auto& upload : uploads) {
    out += "<Upload>";
    s3::append_xml_element(out, "Key", upload.key);
    s3::append_xml_element(out, "UploadId", upload.upload_id);
    s3::append_xml_element(out, "StorageClass", "STANDARD");
    s3::append_xml_element(out, "Initiated", format_iso8601(upload.initiated));
    out += "</Upload>";
  }
  close(out, "ListMultipartUploadsResult");
  return out;
}

std::string list_parts_document(std::string_view bucket, std::string_view key,
                                std::string_view upload_id, const PartListing& listing) {
  const std::vector<PartInfo>& parts = listing.parts;
  std::string out;
  open_root(out, "ListPartsResult");
  s3::append_xml_element(out, "Bucket", bucket);
  s3::append_xml_element(out, "Key", key);
  s3::append_xml_element(out, "UploadId", upload_id);
  if (listing.checksum) {
    s3::append_xml_element(out, "ChecksumAlgorithm", checksum_name(listing.checksum->algorithm));
    s3::append_xml_element(out, "ChecksumType",
                           listing.checksum->full_object ? "FULL_OBJECT" : "COMPOSITE");
  }
  s3::append_xml_element(out, "StorageClass", "STANDARD");
  s3::append_xml_element(out, "PartNumberMarker", "0");
  s3::append_xml_element(out, "NextPartNumberMarker",
                         parts.empty() ? "0" : std::to_string(parts.back().number));
  s3::append_xml_element(out, "MaxParts", "1000");
  s3::append_xml_element(out, "IsTruncated", "false");
  for (const auto& part : parts) {
    out += "<Part>";
    s3::append_xml_element(out, "PartNumber", std::to_string(part.number));
    s3::append_xml_element(out, "LastModified", format_iso8601(part.last_modified));
    s3::append_xml_element(out, "ETag", quoted(part.etag));
    s3::append_xml_element(out, "Size", std::to_string(part.size));
    if (part.checksum) {
      s3::append_xml_element(out, checksum_element(part.checksum->algorithm), part.checksum->value);
    }
    out += "</Part>";
  }
  close(out, "ListPartsResult");
  return out;
}

std::string delete_result_document(const std::vector<DeleteOutcome>& outcomes, bool quiet) {
  std::string out;
  open_root(out, "DeleteResult");
  for (const auto& outcome : outcomes) {
    if (outcome.error_code.empty()) {
      if (quiet) continue;  // quiet mode reports only failures
      out += "<Deleted>";
      s3::append_xml_element(out, "Key", outcome.key);
      if (!outcome.version_id.empty()) {
        s3::append_xml_element(out, "VersionId", outcome.version_id);
      }
      if (outcome.delete_marker) {
        s3::append_xml_element(out, "DeleteMarker", "true");
        s3::append_xml_element(out, "DeleteMarkerVersionId", outcome.delete_marker_version_id);
      }
      out += "</Deleted>";
    } else {
      out += "<Error>";
      s3::append_xml_element(out, "Key", outcome.key);
      if (!outcome.version_id.empty()) {
        s3::append_xml_element(out, "VersionId", outcome.version_id);
      }
      s3::append_xml_element(out, "Code", outcome.error_code);
      s3::append_xml_element(out, "Message", outcome.error_message);
      out += "</Error>";
    }
  }
  close(out, "DeleteResult");
  return out;
}

std::string tagging_document(const TagSet* tags) {
  std::string out;
  open_root(out, "Tagging");
  out += "<TagSet>";
  if (tags) {
    for (const auto& tag : *tags) {
      out += "<Tag>";
      s3::append_xml_element(out, "Key", tag.key);
      s3::append_xml_element(out, "Value", tag.value);
      out += "</Tag>";
    }
  }
  out += "</TagSet>";
  close(out, "Tagging");
  return out;
}

std::string versioning_configuration_document(Versioning state) {
  std::string out;
  open_root(out, "VersioningConfiguration");
  if (state != Versioning::kUnversioned) {
    s3::append_xml_element(out, "Status", state == Versioning::kEnabled ? "Enabled" : "Suspended");
  }
  close(out, "VersioningConfiguration");
  return out;
}

std::string list_versions_document(const ListVersionsEcho& echo, const ListVersionsResult& result,
                                   std::string_view owner) {
  std::string out;
  open_root(out, "ListVersionsResult");
  s3::append_xml_element(out, "Name", echo.bucket);
  s3::append_xml_element(out, "Prefix", maybe_encoded(echo.prefix, echo.url_encode));
  s3::append_xml_element(out, "KeyMarker", maybe_encoded(echo.key_marker, echo.url_encode));
  s3::append_xml_element(out, "VersionIdMarker", echo.version_id_marker);
  if (result.truncated) {
    s3::append_xml_element(out, "NextKeyMarker",
                           maybe_encoded(result.next_key_marker, echo.url_encode));
    s3::append_xml_element(out, "NextVersionIdMarker", result.next_version_id_marker);
  }
  s3::append_xml_element(out, "MaxKeys", std::to_string(echo.max_keys));
  if (echo.url_encode) s3::append_xml_element(out, "EncodingType", "url");
  s3::append_xml_element(out, "IsTruncated", result.truncated ? "true" : "false");
  for (const auto& entry : result.versions) {
    const ObjectInfo& object = entry.version.object;
    const char* element = entry.version.delete_marker ? "DeleteMarker" : "Version";
    out += '<';
    out += element;
    out += '>';
    s3::append_xml_element(out, "Key", maybe_encoded(entry.key, echo.url_encode));
    s3::append_xml_element(out, "VersionId", version_id_text(object.version));
    s3::append_xml_element(out, "IsLatest", entry.is_latest ? "true" : "false");
    s3::append_xml_element(out, "LastModified", format_iso8601(object.last_modified));
    if (!entry.version.delete_marker) {
      s3::append_xml_element(out, "ETag", quoted(object.etag));
      s3::append_xml_element(out, "Size", std::to_string(object.size));
      s3::append_xml_element(out, "StorageClass", "STANDARD");
    }
    out += "<Owner>";
    s3::append_xml_element(out, "ID", owner);
    s3::append_xml_element(out, "DisplayName", owner);
    out += "</Owner>";
    close(out, element);
  }
  close(out, "ListVersionsResult");
  return out;
}

std::string notification_configuration_document(const NotificationRules* rules) {
  std::string out;
  open_root(out, "NotificationConfiguration");
  if (rules) {
    for (const auto& rule : *rules) {
      out += '<' + rule.element + '>';
      if (!rule.id.empty()) s3::append_xml_element(out, "Id", rule.id);
      s3::append_xml_element(out, rule.arn_element, rule.arn);
      for (const auto& event : rule.events) s3::append_xml_element(out, "Event", event);
      s3::append_key_filter(out, rule.prefix, rule.suffix);
      out += "</" + rule.element + '>';
    }
  }
  close(out, "NotificationConfiguration");
  return out;
}

std::string access_control_policy_document(std::string_view owner) {
  std::string out;
  open_root(out, "AccessControlPolicy");
  out += "<Owner>";
  s3::append_xml_element(out, "ID", owner);
  s3::append_xml_element(out, "DisplayName", owner);
  out +=
      "</Owner><AccessControlList><Grant><Grantee "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">";
  s3::append_xml_element(out, "ID", owner);
  s3::append_xml_element(out, "DisplayName", owner);
  out += "</Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>";
  close(out, "AccessControlPolicy");
  return out;
}

std::string post_response_document(std::string_view location, std::string_view bucket,
                                   std::string_view key, std::string_view etag) {
  std::string out;
  out += kHeader;
  out += "<PostResponse>";
  s3::append_xml_element(out, "Location", location);
  s3::append_xml_element(out, "Bucket", bucket);
  s3::append_xml_element(out, "Key", key);
  s3::append_xml_element(out, "ETag", quoted(etag));
  out += "</PostResponse>";
  return out;
}

}  // namespace s3storm::target
