#include "sigv4/credentials.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include "util/ascii.hpp"
#include "util/usage_error.hpp"

namespace s3storm::sigv4 {
namespace {

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

// An unset variable and an empty one mean the same to the AWS CLI.
std::optional<std::string> non_empty(const EnvLookup& env, std::string_view name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string expand_home(const EnvLookup& env, const std::string& path) {
  if (path.starts_with("~/") || path == "~") {
    if (const auto home = non_empty(env, "HOME")) return *home + path.substr(1);
  }
  return path;
}

struct SharedFiles {
  std::string credentials_path;
  std::string config_path;
  IniFile credentials;
  IniFile config;
};

IniFile load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};  // a missing file is simply an empty one, as for the AWS CLI
  std::ostringstream text;
  text << in.rdbuf();
  return parse_aws_ini(text.str(), path);
}

SharedFiles load_shared_files(const EnvLookup& env) {
  SharedFiles files;
  files.credentials_path = expand_home(
      env, non_empty(env, "AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"));
  files.config_path = expand_home(env, non_empty(env, "AWS_CONFIG_FILE").value_or("~/.aws/config"));
  files.credentials = load(files.credentials_path);
  files.config = load(files.config_path);
  return files;
}

std::string profile_name(const EnvLookup& env, const ChainOptions& options) {
  if (!options.profile.empty()) return options.profile;
  if (const auto profile = non_empty(env, "AWS_PROFILE")) return *profile;
  if (const auto profile = non_empty(env, "AWS_DEFAULT_PROFILE")) return *profile;
  return "default";
}

bool profile_chosen(const EnvLookup& env, const ChainOptions& options) {
  return !options.profile.empty() || non_empty(env, "AWS_PROFILE") ||
         non_empty(env, "AWS_DEFAULT_PROFILE");
}

// The config file names profiles "[profile x]", except that "[default]" is plain.
const std::map<std::string, std::string>* config_section(const IniFile& config,
                                                         const std::string& profile) {
  if (const auto it = config.find("profile " + profile); it != config.end()) return &it->second;
  if (profile == "default") {
    if (const auto it = config.find("default"); it != config.end()) return &it->second;
  }
  return nullptr;
}

std::string config_section_label(const std::string& profile) {
  return profile == "default" ? "[default]" : "[profile " + profile + "]";
}

std::optional<std::string> value_of(const std::map<std::string, std::string>* section,
                                    const std::string& key) {
  if (section == nullptr) return std::nullopt;
  const auto it = section->find(key);
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<Credentials> from_section(const std::map<std::string, std::string>* section,
                                        const std::string& where) {
  const auto access_key = value_of(section, "aws_access_key_id");
  const auto secret_key = value_of(section, "aws_secret_access_key");
  if (!access_key && !secret_key) return std::nullopt;
  if (!access_key || !secret_key) {
    throw UsageError(where + " has " +
                     (access_key ? "aws_access_key_id but no aws_secret_access_key"
                                 : "aws_secret_access_key but no aws_access_key_id"));
  }
  Credentials credentials{*access_key, *secret_key, ""};
  if (auto token = value_of(section, "aws_session_token")) {
    credentials.session_token = *token;
  } else if (auto legacy = value_of(section, "aws_security_token")) {
    credentials.session_token = *legacy;
  }
  return credentials;
}

}  // namespace

IniFile parse_aws_ini(std::string_view text, std::string_view file_name) {
  IniFile ini;
  std::string section;
  bool in_section = false;
  std::string last_key;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const auto where = [&](std::size_t column) {
      return std::string(file_name) + ":" + std::to_string(line_number) + ":" +
             std::to_string(column);
    };
    if (line.front() == '[') {
      if (line.back() != ']')
        throw UsageError(where(raw.find('[') + 1) + ": section header lacks ']'");
      section = std::string(trim(line.substr(1, line.size() - 2)));
      in_section = true;
      ini[section];
      last_key.clear();
      continue;
    }
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && !last_key.empty())
      continue;  // a nested block such as "s3 =\n  addressing_style = path"
    const std::size_t eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) {
      throw UsageError(where(raw.find(line.front()) + 1) + ": expected 'key = value'");
    }
    if (!in_section) throw UsageError(where(1) + ": setting outside any [section]");
    const std::string key = ascii::lower_copy(trim(line.substr(0, eq)));
    const std::string_view value = trim(line.substr(eq + 1));
    ini[section][key] = std::string(value);
    last_key = value.empty() ? key : std::string();
  }
  return ini;
}

ResolvedCredentials resolve_credentials(const EnvLookup& env, const ChainOptions& options) {
  std::vector<std::string> looked;
  if (options.profile.empty()) {
    const auto access_key = non_empty(env, "AWS_ACCESS_KEY_ID");
    const auto secret_key = non_empty(env, "AWS_SECRET_ACCESS_KEY");
    if (access_key && !secret_key)
      throw UsageError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    if (secret_key && !access_key)
      throw UsageError("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    if (access_key && secret_key) {
      return {{*access_key, *secret_key, non_empty(env, "AWS_SESSION_TOKEN").value_or("")},
              "environment"};
    }
    looked.push_back("environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
  }

  const SharedFiles files = load_shared_files(env);
  const std::string profile = profile_name(env, options);
  const auto credentials_it = files.credentials.find(profile);
  const auto* credentials_section =
      credentials_it == files.credentials.end() ? nullptr : &credentials_it->second;
  const std::string credentials_where = files.credentials_path + " [" + profile + "]";
  if (auto found = from_section(credentials_section, credentials_where))
    return {*found, credentials_where};
  looked.push_back(credentials_where);

  const auto* config = config_section(files.config, profile);
  const std::string config_where = files.config_path + " " + config_section_label(profile);
  if (auto found = from_section(config, config_where)) return {*found, config_where};
  looked.push_back(config_where);

  if (profile_chosen(env, options) && credentials_section == nullptr && config == nullptr) {
    throw UsageError("AWS profile '" + profile + "' not found in " + files.credentials_path +
                     " or " + files.config_path);
  }
  std::string message = "no AWS credentials found; looked in ";
  for (std::size_t i = 0; i < looked.size(); ++i) message += (i ? ", " : "") + looked[i];
  throw UsageError(message);
}

std::optional<std::string> resolve_region(const EnvLookup& env, const ChainOptions& options) {
  if (auto region = non_empty(env, "AWS_REGION")) return region;
  if (auto region = non_empty(env, "AWS_DEFAULT_REGION")) return region;
  const SharedFiles files = load_shared_files(env);
  return value_of(config_section(files.config, profile_name(env, options)), "region");
}

std::optional<std::string> resolve_endpoint_url(const EnvLookup& env, std::string_view service,
                                                const ChainOptions& options) {
  std::string variable = "AWS_ENDPOINT_URL_";
  for (char c : service) {
    variable.push_back(c == '-' || c == ' '
                           ? '_'
                           : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (auto url = non_empty(env, variable)) return url;
  if (auto url = non_empty(env, "AWS_ENDPOINT_URL")) return url;
  const SharedFiles files = load_shared_files(env);
  return value_of(config_section(files.config, profile_name(env, options)), "endpoint_url");
}

}  // namespace s3storm::sigv4
