#include "s3/xml_responses.hpp"

#include <pugixml.hpp>

#include "s3/xml_navigation.hpp"

namespace s3storm::s3 {
namespace {

pugi::xml_document parse(std::string_view body, bool& ok) {
  pugi::xml_document doc;
  ok = doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  return doc;
}

std::string text_of(const pugi::xml_node& parent, std::string_view name) {
  return child(parent, name).text().as_string();
}

}  // namespace

std::optional<S3Error> parse_error(std::string_view body) {
  if (body.find("<Error") == std::string_view::npos) return std::nullopt;
  bool ok = false;
  auto doc = parse(body, ok);
  if (!ok) return std::nullopt;
  auto root = doc.document_element();
  if (local_name(root) != "Error") return std::nullopt;
  return S3Error{text_of(root, "Code"), text_of(root, "Message"), text_of(root, "RequestId")};
}

std::string parse_upload_id(std::string_view body) {
  bool ok = false;
  auto doc = parse(body, ok);
  return ok ? text_of(doc.document_element(), "UploadId") : std::string{};
}

std::string parse_result_etag(std::string_view body) {
  bool ok = false;
  auto doc = parse(body, ok);
  return ok ? text_of(doc.document_element(), "ETag") : std::string{};
}

ListPage parse_list_objects_v2(std::string_view body) {
  ListPage page;
  bool ok = false;
  auto doc = parse(body, ok);
  if (!ok) return page;
  auto root = doc.document_element();
  for (auto node : root.children()) {
    if (local_name(node) == "Contents") page.keys.emplace_back(text_of(node, "Key"));
  }
  page.truncated = std::string_view(text_of(root, "IsTruncated")) == "true";
  page.next_continuation_token = text_of(root, "NextContinuationToken");
  return page;
}

std::vector<OpenUpload> parse_list_multipart_uploads(std::string_view body) {
  std::vector<OpenUpload> uploads;
  bool ok = false;
  auto doc = parse(body, ok);
  if (!ok) return uploads;
  for (auto node : doc.document_element().children()) {
    if (local_name(node) == "Upload") {
      uploads.push_back({text_of(node, "Key"), text_of(node, "UploadId")});
    }
  }
  return uploads;
}

std::vector<DeleteError> parse_delete_errors(std::string_view body) {
  std::vector<DeleteError> errors;
  bool ok = false;
  auto doc = parse(body, ok);
  if (!ok) return errors;
  for (auto node : doc.document_element().children()) {
    if (local_name(node) == "Error")
      errors.push_back({text_of(node, "Key"), text_of(node, "Code")});
  }
  return errors;
}

}  // namespace s3storm::s3
