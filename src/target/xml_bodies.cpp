#include "target/xml_bodies.hpp"

#include <algorithm>
#include <pugixml.hpp>

#include "s3/xml_navigation.hpp"
#include "target/s3_error.hpp"
#include "target/tagging.hpp"
#include "util/ascii.hpp"

namespace s3storm::target {

namespace {

[[noreturn]] void malformed() {
  throw S3Error(ErrorCode::kMalformedXML,
                "The XML you provided was not well-formed or did not validate against our "
                "published schema");
}

using s3::child;
using s3::local_name;

pugi::xml_node root_element(pugi::xml_document& doc, std::string_view body,
                            std::string_view expected) {
  const auto parsed = doc.load_buffer(body.data(), body.size(), pugi::parse_default);
  if (!parsed) malformed();
  const auto root = doc.document_element();
  if (!root || local_name(root) != expected) malformed();
  return root;
}

[[noreturn]] void invalid_filter(const std::string& message) {
  throw S3Error(ErrorCode::kInvalidArgument, message).with("ArgumentName", "FilterRule");
}

// <Filter><S3Key><FilterRule><Name>prefix|suffix</Name><Value>...</Value></FilterRule>...
// S3 takes the names in either case and refuses a name it does not know, or one given twice.
void read_key_filter(pugi::xml_node filter, NotificationRule& rule) {
  bool has_prefix = false;
  bool has_suffix = false;
  for (auto key : filter.children()) {
    if (key.type() != pugi::node_element) continue;
    if (local_name(key) != "S3Key") malformed();
    for (auto filter_rule : key.children()) {
      if (filter_rule.type() != pugi::node_element) continue;
      if (local_name(filter_rule) != "FilterRule") malformed();
      const std::string_view name = child(filter_rule, "Name").child_value();
      const std::string_view value = child(filter_rule, "Value").child_value();
      const bool is_prefix = ascii::iequals(name, "prefix");
      if (!is_prefix && !ascii::iequals(name, "suffix")) {
        invalid_filter("filter rule name must be either prefix or suffix");
      }
      bool& seen = is_prefix ? has_prefix : has_suffix;
      if (seen) invalid_filter("Cannot specify more than one " + std::string(name) + " rule");
      seen = true;
      (is_prefix ? rule.prefix : rule.suffix) = std::string(value);
    }
  }
}

}  // namespace

std::vector<CompletePart> parse_complete_multipart_upload(std::string_view body) {
  pugi::xml_document doc;
  const auto root = root_element(doc, body, "CompleteMultipartUpload");
  std::vector<CompletePart> parts;
  for (auto node : root.children()) {
    if (node.type() != pugi::node_element || local_name(node) != "Part") continue;
    const auto number = child(node, "PartNumber");
    const auto etag = child(node, "ETag");
    if (!number || !etag) malformed();
    const std::string text = number.child_value();
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
      malformed();
    }
    CompletePart part{std::stoi(text), etag.child_value()};
    for (auto field : node.children()) {
      if (field.type() != pugi::node_element) continue;
      const auto algorithm = checksum_algorithm_of_element(local_name(field));
      if (!algorithm) continue;
      if (part.checksum) malformed();  // S3 takes one checksum per part
      part.checksum.emplace(*algorithm, field.child_value());
    }
    parts.push_back(std::move(part));
  }
  if (parts.empty()) malformed();
  return parts;
}

DeleteRequest parse_delete_objects(std::string_view body) {
  pugi::xml_document doc;
  const auto root = root_element(doc, body, "Delete");
  DeleteRequest request;
  request.quiet = std::string_view(child(root, "Quiet").child_value()) == "true";
  for (auto node : root.children()) {
    if (node.type() != pugi::node_element || local_name(node) != "Object") continue;
    const auto key = child(node, "Key");
    if (!key) malformed();
    request.objects.push_back({key.child_value(), child(node, "VersionId").child_value()});
  }
  if (request.objects.empty() || request.objects.size() > 1000) malformed();
  return request;
}

TagSet parse_tagging(std::string_view body) {
  pugi::xml_document doc;
  const auto root = root_element(doc, body, "Tagging");
  const auto set = child(root, "TagSet");
  if (!set) malformed();
  TagSet tags;
  for (auto node : set.children()) {
    if (node.type() != pugi::node_element) continue;
    if (local_name(node) != "Tag") malformed();
    const auto key = child(node, "Key");
    const auto value = child(node, "Value");
    if (!key || !value) malformed();
    tags.push_back({key.child_value(), value.child_value()});
  }
  check_tag_set(tags);
  return tags;
}

Versioning parse_versioning_configuration(std::string_view body) {
  pugi::xml_document doc;
  const auto root = root_element(doc, body, "VersioningConfiguration");
  if (std::string_view(child(root, "MfaDelete").child_value()) == "Enabled") {
    throw S3Error(ErrorCode::kNotImplemented, "The embedded target does not implement MFA delete.");
  }
  const std::string_view status = child(root, "Status").child_value();
  if (status == "Enabled") return Versioning::kEnabled;
  if (status == "Suspended") return Versioning::kSuspended;
  malformed();
}

NotificationRules parse_notification_configuration(std::string_view body) {
  pugi::xml_document doc;
  const auto root = root_element(doc, body, "NotificationConfiguration");
  NotificationRules rules;
  for (auto node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    const std::string_view element = local_name(node);
    std::string_view arn_element;
    if (element == "QueueConfiguration") arn_element = "Queue";
    if (element == "TopicConfiguration") arn_element = "Topic";
    if (element == "CloudFunctionConfiguration") arn_element = "CloudFunction";
    if (element == "LambdaFunctionConfiguration") arn_element = "LambdaFunction";
    if (element == "EventBridgeConfiguration") continue;  // accepted, nothing to route
    if (arn_element.empty()) malformed();
    NotificationRule rule;
    rule.element = std::string(element);
    rule.arn_element = std::string(arn_element);
    rule.id = child(node, "Id").child_value();
    rule.arn = child(node, arn_element).child_value();
    if (const auto filter = child(node, "Filter")) read_key_filter(filter, rule);
    for (auto event : node.children()) {
      if (event.type() == pugi::node_element && local_name(event) == "Event") {
        rule.events.emplace_back(event.child_value());
      }
    }
    if (rule.arn.empty() || rule.events.empty()) malformed();
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::string parse_create_bucket_configuration(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  pugi::xml_document doc;
  const auto root = root_element(doc, body, "CreateBucketConfiguration");
  return child(root, "LocationConstraint").child_value();
}

void check_acl_request(std::string_view canned, std::string_view body) {
  static constexpr std::string_view kCanned[] = {
      "private",       "public-read",       "public-read-write",         "authenticated-read",
      "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"};
  if (!canned.empty()) {
    if (std::find(std::begin(kCanned), std::end(kCanned), canned) == std::end(kCanned)) {
      throw S3Error(ErrorCode::kInvalidArgument, "Invalid canned ACL")
          .with("ArgumentName", "x-amz-acl")
          .with("ArgumentValue", std::string(canned));
    }
    return;
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return;  // grant headers
  pugi::xml_document doc;
  root_element(doc, body, "AccessControlPolicy");
}

}  // namespace s3storm::target
