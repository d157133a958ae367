#include "s3/sns_topics.hpp"

#include <pugixml.hpp>

#include "s3/xml_navigation.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"

namespace s3storm::s3 {
namespace {

constexpr std::string_view kFormType = "application/x-www-form-urlencoded; charset=utf-8";

void append_field(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += '&';
  out += name;
  out += '=';
  sigv4::append_uri_encoded(out, value, /*keep_slash=*/false);
}

// Depth-first: the answer's wrapper elements differ between servers (CreateTopicResult or not).
pugi::xml_node find_element(const pugi::xml_node& node, std::string_view name) {
  for (auto element : node.children()) {
    if (element.type() != pugi::node_element) continue;
    if (local_name(element) == name) return element;
    if (auto found = find_element(element, name)) return found;
  }
  return {};
}

std::string text_of_first(std::string_view body, std::string_view name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return {};
  }
  return find_element(doc, name).text().as_string();
}

}  // namespace

std::string create_topic_form(std::string_view name, const TopicAttributes& attributes) {
  std::string form;
  append_field(form, "Action", "CreateTopic");
  append_field(form, "Name", name);
  int entry = 0;
  for (const auto& [key, value] : attributes) {
    const std::string prefix = "Attributes.entry." + std::to_string(++entry);
    append_field(form, prefix + ".key", key);
    append_field(form, prefix + ".value", value);
  }
  append_field(form, "Version", "2010-03-31");
  return form;
}

SignedSnsCall sign_sns_call(Session& session, std::string body) {
  SignedSnsCall call;
  call.body = std::move(body);
  std::string host;
  std::string target;
  session.address(host, target, {}, {}, {});

  const auto& config = session.config();
  sigv4::Signer signer(session.credentials(), config.region, "sns");
  const std::string payload_hash = sigv4::sha256_hex(call.body);
  const sigv4::Header to_sign[] = {{"content-type", kFormType}, {"host", host}};
  const auto& signature = signer.sign({"POST", "/", "", to_sign, payload_hash}, session.now());

  // Owned copies first (the signer's views die with it), then the views the request sends.
  call.storage = {std::string(kFormType), std::string(signature.amz_date),
                  std::string(signature.security_token), std::string(signature.authorization)};
  call.headers.push_back({"content-type", call.storage[0]});
  call.headers.push_back({"x-amz-date", call.storage[1]});
  if (!call.storage[2].empty()) call.headers.push_back({"x-amz-security-token", call.storage[2]});
  call.headers.push_back({"authorization", call.storage[3]});
  return call;
}

std::string parse_topic_arn(std::string_view body) {
  return text_of_first(body, "TopicArn");
}

std::string parse_sns_error_code(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return {};
  }
  const auto error = find_element(doc, "Error");
  return child(error, "Code").text().as_string();
}

}  // namespace s3storm::s3
