#pragma once

// Where a command's credentials come from, in botocore's order, found without fetching anything:
//   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), unless --profile is given;
//   2. the profile: role_arn with source_profile or credential_source, and sso_session or
//      sso_start_url, are refused by name (s3storm does not implement them);
//   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME], or the
//      profile's web_identity_token_file + role_arn [+ role_session_name], exchanged at STS
//      (AssumeRoleWithWebIdentity) for temporary credentials;
//   4. static keys of the profile in the credentials file;
//   5. the profile's credential_process (its JSON "Version": 1 on stdout);
//   6. static keys of the profile in the config file;
//   7. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE).
// No message names a secret.

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "aws_config/aws_config.hpp"
#include "sigv4/signer.hpp"

namespace s3storm::aws_config {

struct FetchedCredentials {
  sigv4::Credentials credentials;
  // Temporary credentials expire; static ones do not.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

// Thrown by a fetch that failed: the source and why, never a secret.
struct CredentialError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CredentialSource {
  std::string description;  // "environment", "credential_process of profile 'ci'", ...
  std::function<FetchedCredentials()> fetch;
};

// An Expiration as the credential endpoints write it: ISO 8601 UTC with 'Z' or "+00:00".
// Throws CredentialError naming `what` otherwise.
std::chrono::system_clock::time_point parse_expiration(std::string_view text,
                                                       const std::string& what);

// nullopt when nothing at all is configured. Throws UsageError naming an unsupported profile
// kind, or an incomplete entry.
std::optional<CredentialSource> find_credential_source(const AwsConfig& config);

// As find_credential_source, but throws UsageError naming every place looked when none is found.
CredentialSource require_credential_source(const AwsConfig& config);

}  // namespace s3storm::aws_config
