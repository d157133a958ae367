#include "s3/xml_requests.hpp"

namespace s3storm::s3 {
namespace {

constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

std::string_view element_for(NotificationTargetKind kind) {
  switch (kind) {
    case NotificationTargetKind::kQueue:
      return "QueueConfiguration";
    case NotificationTargetKind::kTopic:
      return "TopicConfiguration";
    case NotificationTargetKind::kLambda:
      return "CloudFunctionConfiguration";
  }
  return "QueueConfiguration";
}

std::string_view arn_element_for(NotificationTargetKind kind) {
  switch (kind) {
    case NotificationTargetKind::kQueue:
      return "Queue";
    case NotificationTargetKind::kTopic:
      return "Topic";
    case NotificationTargetKind::kLambda:
      return "CloudFunction";
  }
  return "Queue";
}

}  // namespace

void append_xml_element(std::string& out, std::string_view name, std::string_view text) {
  out += '<';
  out += name;
  out += '>';
  append_xml_escaped(out, text);
  out += "</";
  out += name;
  out += '>';
}

void write_complete_multipart_upload(std::string& out, const std::vector<CompletedPart>& parts) {
  out.clear();
  out += "<CompleteMultipartUpload xmlns=\"";
  out += kS3Namespace;
  out += "\">";
  for (const auto& part : parts) {
    out += "<Part>";
    append_xml_element(out, "PartNumber", std::to_string(part.number));
    append_xml_element(out, "ETag", part.etag);
    if (!part.checksum.empty()) append_xml_element(out, part.checksum_element, part.checksum);
    out += "</Part>";
  }
  out += "</CompleteMultipartUpload>";
}

void write_create_bucket_configuration(std::string& out, std::string_view region) {
  out.clear();
  if (region.empty() || region == "us-east-1") return;
  out += "<CreateBucketConfiguration xmlns=\"";
  out += kS3Namespace;
  out += "\">";
  append_xml_element(out, "LocationConstraint", region);
  out += "</CreateBucketConfiguration>";
}

void append_key_filter(std::string& out, std::string_view prefix, std::string_view suffix) {
  if (prefix.empty() && suffix.empty()) return;
  out += "<Filter><S3Key>";
  for (const auto& [name, value] : {std::pair{"prefix", prefix}, std::pair{"suffix", suffix}}) {
    if (value.empty()) continue;
    out += "<FilterRule>";
    append_xml_element(out, "Name", name);
    append_xml_element(out, "Value", value);
    out += "</FilterRule>";
  }
  out += "</S3Key></Filter>";
}

void write_notification_configuration(std::string& out,
                                      const std::vector<NotificationTarget>& targets) {
  out.clear();
  out += "<NotificationConfiguration xmlns=\"";
  out += kS3Namespace;
  out += "\">";
  for (const auto& target : targets) {
    const auto element = element_for(target.kind);
    out += '<';
    out += element;
    out += '>';
    if (!target.id.empty()) append_xml_element(out, "Id", target.id);
    append_xml_element(out, arn_element_for(target.kind), target.arn);
    for (const auto& event : target.events) append_xml_element(out, "Event", event);
    append_key_filter(out, target.prefix, target.suffix);
    out += "</";
    out += element;
    out += '>';
  }
  out += "</NotificationConfiguration>";
}

void write_delete_objects(std::string& out, const std::vector<std::string>& keys) {
  out.clear();
  out += "<Delete xmlns=\"";
  out += kS3Namespace;
  out += "\"><Quiet>true</Quiet>";
  for (const auto& key : keys) {
    out += "<Object>";
    append_xml_element(out, "Key", key);
    out += "</Object>";
  }
  out += "</Delete>";
}

}  // namespace s3storm::s3
