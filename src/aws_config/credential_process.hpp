#pragma once

// credential_process: a command the profile names, run through /bin/sh, whose stdout is
//   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
//    "SessionToken": "...", "Expiration": "2026-12-04T10:00:00Z"}   (the last two optional)
// Its stderr goes to ours; its stdout is never printed (it holds the secret).

#include <string>
#include <string_view>

#include "aws_config/credential_source.hpp"

namespace s3storm::aws_config {

// `what` names the source in errors, e.g. "credential_process of profile 'ci'".
FetchedCredentials parse_process_output(std::string_view json, const std::string& what);
FetchedCredentials run_credential_process(const std::string& command, const std::string& what);

}  // namespace s3storm::aws_config
