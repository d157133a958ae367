#include "aws_config/web_identity.hpp"

#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "aws_config/http_call.hpp"
#include "sigv4/uri_encoding.hpp"

namespace s3storm::aws_config {
namespace {

void append_field(std::string& form, std::string_view name, std::string_view value) {
  if (!form.empty()) form.push_back('&');
  form.append(name);
  form.push_back('=');
  sigv4::append_uri_encoded(form, value, false);
}

std::string read_token(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CredentialError("web identity token file " + path + " cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) throw CredentialError("web identity token file " + path + " is empty");
  return token;
}

}  // namespace

std::string web_identity_form(const WebIdentity& identity, std::string_view token) {
  std::string form;
  append_field(form, "Action", "AssumeRoleWithWebIdentity");
  append_field(form, "Version", "2011-06-15");
  append_field(form, "RoleArn", identity.role_arn);
  append_field(form, "RoleSessionName", identity.session_name);
  append_field(form, "WebIdentityToken", token);
  return form;
}

FetchedCredentials parse_sts_answer(std::string_view xml, unsigned status) {
  pugi::xml_document document;
  const bool parsed = document.load_buffer(xml.data(), xml.size());
  const auto error = document.child("ErrorResponse").child("Error");
  if (parsed && error) {
    throw CredentialError("STS AssumeRoleWithWebIdentity answered HTTP " + std::to_string(status) +
                          " " + error.child_value("Code") + ": " + error.child_value("Message"));
  }
  const auto credentials = document.child("AssumeRoleWithWebIdentityResponse")
                               .child("AssumeRoleWithWebIdentityResult")
                               .child("Credentials");
  if (!parsed || status != 200 || !credentials) {
    throw CredentialError("STS AssumeRoleWithWebIdentity answered HTTP " + std::to_string(status) +
                          " without credentials");
  }
  FetchedCredentials out;
  out.credentials.access_key_id = credentials.child_value("AccessKeyId");
  out.credentials.secret_access_key = credentials.child_value("SecretAccessKey");
  out.credentials.session_token = credentials.child_value("SessionToken");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    throw CredentialError(
        "STS AssumeRoleWithWebIdentity answered without AccessKeyId or "
        "SecretAccessKey");
  }
  out.expiration = parse_expiration(credentials.child_value("Expiration"), "STS");
  return out;
}

FetchedCredentials assume_role_with_web_identity(const WebIdentity& identity) {
  http::CallRequest call;
  call.method = "POST";
  call.url = identity.sts_url;
  call.ca_file = identity.ca_file;
  call.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                  {"Accept", "text/xml"}};
  call.body = web_identity_form(identity, read_token(identity.token_file));
  const http::CallAnswer answer = call_http(call);
  return parse_sts_answer(answer.body, answer.status);
}

}  // namespace s3storm::aws_config
