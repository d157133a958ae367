#pragma once

// Credentials, region and endpoint found the way the AWS CLI finds them:
//   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) — skipped when a profile
//      is chosen explicitly (ChainOptions::profile), as botocore does for --profile;
//   2. the profile (ChainOptions::profile, else AWS_PROFILE, else "default") in the shared
//      credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials);
//   3. the same profile in the config file (AWS_CONFIG_FILE, else ~/.aws/config, "[profile x]").
// Region: AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region`. Endpoint:
// AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then the profile's `endpoint_url`.
// The environment is injected, so tests never touch the process environment.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sigv4/signer.hpp"
#include "util/environment.hpp"

namespace s3storm::sigv4 {

using util::EnvLookup;
using util::process_environment;

struct ChainOptions {
  std::string profile;  // explicit profile; empty means AWS_PROFILE or "default"
};

struct ResolvedCredentials {
  Credentials credentials;
  std::string
      source;  // where they came from, e.g. "environment" or "/home/u/.aws/credentials [default]"
};

// Throws s3storm::UsageError naming every place it looked when nothing is found, or the file
// and profile when an entry is incomplete. Never includes a secret in the message.
ResolvedCredentials resolve_credentials(const EnvLookup& env, const ChainOptions& options = {});
std::optional<std::string> resolve_region(const EnvLookup& env, const ChainOptions& options = {});
std::optional<std::string> resolve_endpoint_url(const EnvLookup& env,
                                                std::string_view service = "s3",
                                                const ChainOptions& options = {});

// The INI dialect of ~/.aws files: [section], "key = value", '#'/';' comment lines, indented
// nested blocks (kept out of the flat key space). Keys are lower-cased. Throws UsageError with
// file:line:column on a line it cannot read.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile parse_aws_ini(std::string_view text, std::string_view file_name);

}  // namespace s3storm::sigv4
