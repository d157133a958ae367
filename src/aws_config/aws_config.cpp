#include "aws_config/aws_config.hpp"

#include "util/ascii.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {
namespace {

std::string expand_home(const AwsConfig& config, const std::string& path) {
  if (path.starts_with("~/") || path == "~") {
    if (const auto home = config.env("HOME")) return *home + path.substr(1);
  }
  return path;
}

std::optional<std::string> value_in(const IniSection* section, const std::string& key) {
  if (section == nullptr) return std::nullopt;
  const auto it = section->find(key);
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<AwsConfig::StaticKeys> keys_in(const IniSection* section, const std::string& where) {
  const auto access_key = value_in(section, "aws_access_key_id");
  const auto secret_key = value_in(section, "aws_secret_access_key");
  if (!access_key && !secret_key) return std::nullopt;
  if (!access_key || !secret_key) {
    throw UsageError(where + " has " +
                     (access_key ? "aws_access_key_id but no aws_secret_access_key"
                                 : "aws_secret_access_key but no aws_access_key_id"));
  }
  AwsConfig::StaticKeys keys{*access_key, *secret_key, "", where};
  if (auto token = value_in(section, "aws_session_token")) {
    keys.session_token = *token;
  } else if (auto legacy = value_in(section, "aws_security_token")) {
    keys.session_token = *legacy;
  }
  return keys;
}

// "s3" -> "AWS_ENDPOINT_URL_S3", "elastic beanstalk" -> "AWS_ENDPOINT_URL_ELASTIC_BEANSTALK".
std::string endpoint_variable(std::string_view service) {
  std::string variable = "AWS_ENDPOINT_URL_";
  for (char c : service) {
    variable.push_back(c == '-' || c == ' '
                           ? '_'
                           : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return variable;
}

}  // namespace

AwsConfig AwsConfig::load(const util::EnvLookup& env, const Options& options) {
  AwsConfig config;
  config.env_ = env;
  bool chosen = true;
  if (!options.profile.empty()) {
    config.profile_ = options.profile;
    config.profile_from_flag_ = true;
  } else if (auto profile = config.env("AWS_PROFILE")) {
    config.profile_ = *profile;
  } else if (auto legacy = config.env("AWS_DEFAULT_PROFILE")) {
    config.profile_ = *legacy;
  } else {
    config.profile_ = "default";
    chosen = false;
  }
  config.credentials_path_ =
      expand_home(config, config.env("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"));
  config.config_path_ =
      expand_home(config, config.env("AWS_CONFIG_FILE").value_or("~/.aws/config"));
  config.credentials_ = load_aws_ini(config.credentials_path_);
  config.config_ = load_aws_ini(config.config_path_);
  if (chosen && config.credentials_section() == nullptr && config.config_section() == nullptr) {
    throw UsageError("AWS profile '" + config.profile_ + "' not found in " +
                     config.credentials_path_ + " or " + config.config_path_);
  }
  return config;
}

const IniSection* AwsConfig::credentials_section() const {
  const auto it = credentials_.find(profile_);
  return it == credentials_.end() ? nullptr : &it->second;
}

const IniSection* AwsConfig::config_section() const {
  if (const auto it = config_.find("profile " + profile_); it != config_.end()) return &it->second;
  if (profile_ == "default") {
    if (const auto it = config_.find("default"); it != config_.end()) return &it->second;
  }
  return nullptr;
}

std::string AwsConfig::credentials_file_label() const {
  return credentials_path_ + " [" + profile_ + "]";
}

std::string AwsConfig::config_file_label() const {
  return config_path_ + (profile_ == "default" ? " [default]" : " [profile " + profile_ + "]");
}

std::optional<std::string> AwsConfig::env(std::string_view name) const {
  auto value = env_(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::optional<Setting> AwsConfig::profile_value(std::string_view key) const {
  const std::string name(key);
  if (auto value = value_in(credentials_section(), name)) {
    return Setting{*value, credentials_file_label() + " " + name};
  }
  if (auto value = value_in(config_section(), name)) {
    return Setting{*value, config_file_label() + " " + name};
  }
  return std::nullopt;
}

std::optional<AwsConfig::StaticKeys> AwsConfig::credentials_file_keys() const {
  return keys_in(credentials_section(), credentials_file_label());
}

std::optional<AwsConfig::StaticKeys> AwsConfig::config_file_keys() const {
  return keys_in(config_section(), config_file_label());
}

std::optional<Setting> AwsConfig::region() const {
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto region = env(name)) return Setting{*region, name};
  }
  return profile_value("region");
}

std::optional<Setting> AwsConfig::services_endpoint(std::string_view service) const {
  const auto services = profile_value("services");
  if (!services) return std::nullopt;
  const auto section = config_.find("services " + services->value);
  if (section == config_.end()) {
    throw UsageError(services->source + " names '" + services->value + "', but " + config_path_ +
                     " has no [services " + services->value + "] section");
  }
  const std::string key = ascii::lower_copy(service) + ".endpoint_url";
  if (auto url = value_in(&section->second, key)) {
    return Setting{*url, config_path_ + " [services " + services->value + "] " + key};
  }
  return std::nullopt;
}

std::optional<Setting> AwsConfig::endpoint_url(std::string_view service) const {
  if (auto ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
      ignore && ascii::iequals(*ignore, "true")) {
    return std::nullopt;
  }
  const std::string variable = endpoint_variable(service);
  if (auto url = env(variable)) return Setting{*url, variable};
  if (auto url = env("AWS_ENDPOINT_URL")) return Setting{*url, "AWS_ENDPOINT_URL"};
  if (auto url = services_endpoint(service)) return url;
  return profile_value("endpoint_url");
}

std::optional<Setting> AwsConfig::ca_bundle() const {
  if (auto bundle = env("AWS_CA_BUNDLE"))
    return Setting{expand_home(*this, *bundle), "AWS_CA_BUNDLE"};
  auto bundle = profile_value("ca_bundle");
  if (bundle) bundle->value = expand_home(*this, bundle->value);
  return bundle;
}

std::optional<Setting> AwsConfig::addressing_style() const {
  auto style = profile_value("s3.addressing_style");
  if (!style || style->value == "auto") return std::nullopt;
  if (style->value != "path" && style->value != "virtual") {
    throw UsageError(style->source + ": '" + style->value + "' is not path, virtual or auto");
  }
  return style;
}

}  // namespace s3storm::aws_config
