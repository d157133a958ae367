#pragma once

// The AWS conventions every command that talks to AWS shares: --profile, and the AWS CLI's
// environment and shared files read once through aws_config.

#include <CLI/CLI.hpp>
#include <string>

#include "aws_config/aws_config.hpp"

namespace s3storm::cli {

inline void add_profile_option(CLI::App* sub, std::string& profile) {
  sub->add_option("--profile", profile,
                  "AWS profile for credentials, endpoint, region and CA bundle (default: "
                  "AWS_PROFILE, else default)");
}

inline aws_config::AwsConfig load_aws_config(const std::string& profile) {
  return aws_config::AwsConfig::load(util::process_environment(), {profile});
}

}  // namespace s3storm::cli
