#pragma once

// The credential endpoints (STS, the container agent) are called once per refresh through the
// project's one-shot client, http::call.

#include "http/client_call.hpp"

namespace s3storm::aws_config {

// http::call, with its failures thrown as CredentialError.
http::CallAnswer call_http(const http::CallRequest& call);

}  // namespace s3storm::aws_config
