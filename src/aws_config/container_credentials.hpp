#pragma once

// Container credentials (ECS tasks, EKS Pod Identity): a GET on the agent's URL answering
//   {"AccessKeyId": "...", "SecretAccessKey": "...", "Token": "...", "Expiration": "..."}
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is a path on http://169.254.170.2;
// AWS_CONTAINER_CREDENTIALS_FULL_URI a whole URL, over http only to a loopback address or the
// ECS/EKS agents (169.254.170.2, 169.254.170.23, fd00:ec2::23), as botocore allows. The
// Authorization header is AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE's content, else
// AWS_CONTAINER_AUTHORIZATION_TOKEN.

#include <optional>
#include <string>
#include <string_view>

#include "aws_config/aws_config.hpp"
#include "aws_config/credential_source.hpp"

namespace s3storm::aws_config {

struct ContainerEndpoint {
  std::string url;
  std::string description;  // the URL without its query, e.g. for errors
  std::string token;        // Authorization header value when token_file is empty
  std::string token_file;   // read at each fetch (the agent rotates it)
  std::string ca_file;
};

// nullopt when neither variable is set; throws UsageError for a FULL_URI that botocore refuses.
std::optional<ContainerEndpoint> container_endpoint(const AwsConfig& config);

FetchedCredentials parse_container_answer(std::string_view json, unsigned status);
FetchedCredentials fetch_container_credentials(const ContainerEndpoint& endpoint);

}  // namespace s3storm::aws_config
