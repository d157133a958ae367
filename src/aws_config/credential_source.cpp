#include "aws_config/credential_source.hpp"

#include <vector>

#include "aws_config/container_credentials.hpp"
#include "aws_config/credential_process.hpp"
#include "aws_config/web_identity.hpp"
#include "util/iso_time.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {
namespace {

UsageError unsupported(const AwsConfig& config, std::string_view kind) {
  return UsageError("AWS profile '" + config.profile() + "' uses " + std::string(kind) +
                    ", which s3storm does not support; use credential_process (aws configure "
                    "export-credentials --profile " +
                    config.profile() + " --format process) or static keys");
}

// The profile kinds botocore would try before static keys, which s3storm does not implement.
void refuse_unsupported_kinds(const AwsConfig& config) {
  const bool role = config.profile_value("role_arn").has_value();
  if (role && config.profile_value("source_profile")) {
    throw unsupported(config, "role_arn with source_profile");
  }
  if (role && config.profile_value("credential_source")) {
    throw unsupported(config, "role_arn with credential_source");
  }
  if (config.profile_value("credential_source")) throw unsupported(config, "credential_source");
  if (config.profile_value("sso_session")) throw unsupported(config, "sso_session");
  if (config.profile_value("sso_start_url")) throw unsupported(config, "sso_start_url");
  if (role && !config.profile_value("web_identity_token_file") &&
      !config.env("AWS_WEB_IDENTITY_TOKEN_FILE")) {
    throw unsupported(config, "role_arn without web_identity_token_file");
  }
}

CredentialSource static_source(sigv4::Credentials credentials, std::string description) {
  return {std::move(description), [credentials = std::move(credentials)] {
            return FetchedCredentials{credentials, std::nullopt};
          }};
}

std::string sts_url(const AwsConfig& config) {
  if (auto url = config.endpoint_url("sts")) return url->value;
  if (auto region = config.region()) return "https://sts." + region->value + ".amazonaws.com";
  return "https://sts.amazonaws.com";
}

// The environment's variables win over the profile's, as in botocore.
std::optional<CredentialSource> web_identity_source(const AwsConfig& config) {
  auto token_file = config.env("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!token_file) {
    if (auto from_profile = config.profile_value("web_identity_token_file")) {
      token_file = from_profile->value;
    }
  }
  if (!token_file) return std::nullopt;
  auto role_arn = config.env("AWS_ROLE_ARN");
  if (!role_arn) {
    if (auto from_profile = config.profile_value("role_arn")) role_arn = from_profile->value;
  }
  if (!role_arn) {
    throw UsageError(
        "a web identity token file is set (AWS_WEB_IDENTITY_TOKEN_FILE or "
        "web_identity_token_file) but no role (AWS_ROLE_ARN or role_arn)");
  }
  WebIdentity identity;
  identity.token_file = *token_file;
  identity.role_arn = *role_arn;
  if (auto name = config.env("AWS_ROLE_SESSION_NAME")) {
    identity.session_name = *name;
  } else if (auto from_profile = config.profile_value("role_session_name")) {
    identity.session_name = from_profile->value;
  } else {
    identity.session_name =
        "s3storm-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  }
  identity.sts_url = sts_url(config);
  if (auto bundle = config.ca_bundle()) identity.ca_file = bundle->value;
  std::string description = "web identity (role " + identity.role_arn + " at " +
                            identity.sts_url.substr(0, identity.sts_url.find('?')) + ")";
  return CredentialSource{std::move(description),
                          [identity] { return assume_role_with_web_identity(identity); }};
}

}  // namespace

std::chrono::system_clock::time_point parse_expiration(std::string_view text,
                                                       const std::string& what) {
  std::string normalized(text);
  if (normalized.ends_with("+00:00")) normalized.replace(normalized.size() - 6, 6, "Z");
  const auto time = parse_iso8601(normalized);
  if (!time) {
    throw CredentialError(what + ": Expiration '" + std::string(text) +
                          "' is not an ISO 8601 UTC time");
  }
  return *time;
}

std::optional<CredentialSource> find_credential_source(const AwsConfig& config) {
  if (!config.profile_from_flag()) {
    const auto access_key = config.env("AWS_ACCESS_KEY_ID");
    const auto secret_key = config.env("AWS_SECRET_ACCESS_KEY");
    if (access_key && !secret_key)
      throw UsageError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    if (secret_key && !access_key)
      throw UsageError("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    if (access_key && secret_key) {
      return static_source({*access_key, *secret_key, config.env("AWS_SESSION_TOKEN").value_or("")},
                           "environment");
    }
  }
  refuse_unsupported_kinds(config);
  if (auto source = web_identity_source(config)) return source;
  if (auto keys = config.credentials_file_keys()) {
    return static_source({keys->access_key_id, keys->secret_access_key, keys->session_token},
                         keys->where);
  }
  if (auto command = config.profile_value("credential_process")) {
    std::string what = "credential_process of profile '" + config.profile() + "'";
    return CredentialSource{
        what, [command = command->value, what] { return run_credential_process(command, what); }};
  }
  if (auto keys = config.config_file_keys()) {
    return static_source({keys->access_key_id, keys->secret_access_key, keys->session_token},
                         keys->where);
  }
  if (auto endpoint = container_endpoint(config)) {
    return CredentialSource{
        "container credentials " + endpoint->description,
        [endpoint = *endpoint] { return fetch_container_credentials(endpoint); }};
  }
  return std::nullopt;
}

CredentialSource require_credential_source(const AwsConfig& config) {
  if (auto source = find_credential_source(config)) return std::move(*source);
  std::vector<std::string> looked;
  if (!config.profile_from_flag()) {
    looked.push_back("environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
  }
  looked.push_back(config.credentials_file_label());
  looked.push_back(config.config_file_label());
  looked.push_back("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
  looked.push_back("container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI)");
  std::string message = "no AWS credentials found; looked in ";
  for (std::size_t i = 0; i < looked.size(); ++i) message += (i ? ", " : "") + looked[i];
  throw UsageError(message);
}

}  // namespace s3storm::aws_config
