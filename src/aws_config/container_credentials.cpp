#include "aws_config/container_credentials.hpp"

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws_config/http_call.hpp"
#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {
namespace {

constexpr std::string_view kEcsAgent = "http://169.254.170.2";

// http is allowed only where nobody else can listen in: the machine itself or the agents' link-
// local addresses.
bool trusted_http_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(host, error);
  if (error) return false;
  if (address.is_loopback()) return true;
  const std::string text = address.to_string();
  return text == "169.254.170.2" || text == "169.254.170.23" || text == "fd00:ec2::23";
}

std::string read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CredentialError("container authorization token file " + path + " cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

std::string json_string(const nlohmann::json& document, const char* name) {
  const auto it = document.find(name);
  if (it == document.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

std::optional<ContainerEndpoint> container_endpoint(const AwsConfig& config) {
  ContainerEndpoint endpoint;
  if (auto relative = config.env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    endpoint.url = std::string(kEcsAgent) + (relative->starts_with("/") ? "" : "/") + *relative;
  } else if (auto full = config.env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    std::string_view why;
    const auto url = split_http_url(*full, &why);
    if (!url) {
      throw UsageError("AWS_CONTAINER_CREDENTIALS_FULL_URI: " + std::string(why));
    }
    if (!url->https && !trusted_http_host(url->host)) {
      throw UsageError(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI: http is allowed only to a loopback "
          "address or the ECS/EKS agents (169.254.170.2, 169.254.170.23), not " +
          url->host + "; use https");
    }
    endpoint.url = *full;
  } else {
    return std::nullopt;
  }
  endpoint.description = endpoint.url.substr(0, endpoint.url.find('?'));
  if (auto file = config.env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    endpoint.token_file = *file;
  } else if (auto token = config.env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    endpoint.token = *token;
  }
  if (auto bundle = config.ca_bundle()) endpoint.ca_file = bundle->value;
  return endpoint;
}

FetchedCredentials parse_container_answer(std::string_view json, unsigned status) {
  const auto document = nlohmann::json::parse(json, nullptr, false);
  const bool object = !document.is_discarded() && document.is_object();
  if (status != 200 || !object) {
    std::string message =
        "the container credentials endpoint answered HTTP " + std::to_string(status);
    if (object) {
      if (auto code = json_string(document, "code"); !code.empty()) message += " " + code;
      if (auto text = json_string(document, "message"); !text.empty()) message += ": " + text;
    }
    throw CredentialError(message);
  }
  FetchedCredentials out;
  out.credentials.access_key_id = json_string(document, "AccessKeyId");
  out.credentials.secret_access_key = json_string(document, "SecretAccessKey");
  out.credentials.session_token = json_string(document, "Token");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    throw CredentialError(
        "the container credentials endpoint answered without AccessKeyId or SecretAccessKey");
  }
  if (auto expiration = json_string(document, "Expiration"); !expiration.empty()) {
    out.expiration = parse_expiration(expiration, "the container credentials endpoint");
  }
  return out;
}

FetchedCredentials fetch_container_credentials(const ContainerEndpoint& endpoint) {
  http::CallRequest call;
  call.url = endpoint.url;
  call.ca_file = endpoint.ca_file;
  call.timeout = std::chrono::seconds(5);
  call.headers = {{"Accept", "application/json"}};
  const std::string token =
      endpoint.token_file.empty() ? endpoint.token : read_token_file(endpoint.token_file);
  if (!token.empty()) call.headers.emplace_back("Authorization", token);
  const http::CallAnswer answer = call_http(call);
  return parse_container_answer(answer.body, answer.status);
}

}  // namespace s3storm::aws_config
