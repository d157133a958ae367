#include "aws_config/credential_process.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace s3storm::aws_config {
namespace {

std::string string_field(const nlohmann::json& document, const char* name, const std::string& what,
                         bool required) {
  const auto it = document.find(name);
  if (it == document.end() || it->is_null()) {
    if (required) throw CredentialError(what + " printed no " + name);
    return {};
  }
  if (!it->is_string()) throw CredentialError(what + ": " + name + " is not a string");
  return it->get<std::string>();
}

}  // namespace

FetchedCredentials parse_process_output(std::string_view json, const std::string& what) {
  const auto document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw CredentialError(what + " did not print a JSON object");
  }
  const auto version = document.find("Version");
  if (version == document.end() || !version->is_number_integer() || version->get<int>() != 1) {
    throw CredentialError(what + " printed no \"Version\": 1");
  }
  FetchedCredentials out;
  out.credentials.access_key_id = string_field(document, "AccessKeyId", what, true);
  out.credentials.secret_access_key = string_field(document, "SecretAccessKey", what, true);
  out.credentials.session_token = string_field(document, "SessionToken", what, false);
  if (const auto expiration = string_field(document, "Expiration", what, false);
      !expiration.empty()) {
    out.expiration = parse_expiration(expiration, what);
  }
  return out;
}

FetchedCredentials run_credential_process(const std::string& command, const std::string& what) {
  std::fflush(stdout);  // the child inherits our buffers' file descriptors, not their contents
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw CredentialError(what + " could not be started");
  std::string output;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status)) throw CredentialError(what + " did not exit normally");
  if (WEXITSTATUS(status) != 0) {
    throw CredentialError(what + " exited with status " + std::to_string(WEXITSTATUS(status)));
  }
  return parse_process_output(output, what);
}

}  // namespace s3storm::aws_config
