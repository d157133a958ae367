#pragma once

// What the AWS CLI's environment and shared files say, read once, for every command: the profile,
// region, endpoint, CA bundle and addressing style. Each value says where it came from, so an
// error can name the variable or file that gave a bad one. What a scenario or a flag says wins
// over all of this; the callers apply that (see scenario_target.hpp).
//
//   profile   --profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default"; its values
//             from the credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials) win
//             over the config file's (AWS_CONFIG_FILE, ~/.aws/config, "[profile x]")
//   region    AWS_REGION, AWS_DEFAULT_REGION, the profile's region
//   endpoint  AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's "services" section
//             ("[services NAME]" with a nested "<service> = / endpoint_url = ..."), the profile's
//             endpoint_url; none of them when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
//   CA        AWS_CA_BUNDLE, the profile's ca_bundle
//   s3        the profile's nested "s3 = / addressing_style = path|virtual|auto"
//
// The environment is injected, so tests never touch the process environment.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws_config/ini_file.hpp"
#include "util/environment.hpp"

namespace s3storm::aws_config {

struct Options {
  std::string profile;  // --profile; empty: AWS_PROFILE or "default"
};

struct Setting {
  std::string value;
  std::string source;  // "AWS_REGION", or "/home/u/.aws/config [profile x] region"
};

class AwsConfig {
 public:
  // Throws UsageError for an unreadable file line, or an explicitly chosen profile (--profile,
  // AWS_PROFILE) that neither file has.
  static AwsConfig load(const util::EnvLookup& env, const Options& options = {});

  const std::string& profile() const { return profile_; }
  // --profile given: environment keys are then not used, as botocore does for --profile.
  bool profile_from_flag() const { return profile_from_flag_; }

  std::optional<Setting> region() const;
  std::optional<Setting> endpoint_url(std::string_view service) const;
  std::optional<Setting> ca_bundle() const;
  // "path" or "virtual"; "auto" (botocore's default) counts as unset.
  std::optional<Setting> addressing_style() const;

  // A non-empty environment variable (the AWS CLI treats empty as unset).
  std::optional<std::string> env(std::string_view name) const;
  // The profile's value, credentials file first; nullopt when unset or empty.
  std::optional<Setting> profile_value(std::string_view key) const;
  // Static keys of the profile in one file; nullopt when that file's section has neither key.
  // Throws UsageError when only one of the two is there.
  struct StaticKeys {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    std::string where;  // "/home/u/.aws/credentials [default]"
  };
  std::optional<StaticKeys> credentials_file_keys() const;
  std::optional<StaticKeys> config_file_keys() const;
  // The two places static keys are looked for, for "no credentials found" messages.
  std::string credentials_file_label() const;
  std::string config_file_label() const;
  const util::EnvLookup& environment() const { return env_; }

 private:
  util::EnvLookup env_;
  std::string profile_;
  bool profile_from_flag_ = false;
  std::string credentials_path_;
  std::string config_path_;
  IniFile credentials_;
  IniFile config_;

  const IniSection* credentials_section() const;
  const IniSection* config_section() const;  // "[profile x]", or "[default]"

  std::optional<Setting> services_endpoint(std::string_view service) const;
};

}  // namespace s3storm::aws_config
