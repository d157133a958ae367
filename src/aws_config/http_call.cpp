#include "aws_config/http_call.hpp"

#include "aws_config/credential_source.hpp"

namespace s3storm::aws_config {

http::CallAnswer call_http(const http::CallRequest& call) {
  try {
    return http::call(call);
  } catch (const http::CallError& e) {
    throw CredentialError(e.what());
  }
}

}  // namespace s3storm::aws_config
