#pragma once

// Web identity (how EKS pods get credentials): the OIDC token in a file is exchanged at STS with
// AssumeRoleWithWebIdentity, an unsigned query-protocol POST, for temporary credentials. The file
// is read again at each refresh, since Kubernetes rotates it.

#include <string>
#include <string_view>

#include "aws_config/credential_source.hpp"

namespace s3storm::aws_config {

struct WebIdentity {
  std::string token_file;
  std::string role_arn;
  std::string session_name;  // RoleSessionName
  std::string sts_url;       // e.g. https://sts.eu-west-1.amazonaws.com
  std::string ca_file;
};

// The form body of the request (the token URL-encoded in it).
std::string web_identity_form(const WebIdentity& identity, std::string_view token);

// The <Credentials> of an AssumeRoleWithWebIdentityResponse; for an <ErrorResponse> (or anything
// else) a CredentialError with its Code and Message.
FetchedCredentials parse_sts_answer(std::string_view xml, unsigned status);

FetchedCredentials assume_role_with_web_identity(const WebIdentity& identity);

}  // namespace s3storm::aws_config
