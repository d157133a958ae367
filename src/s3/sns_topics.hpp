#pragma once

// SNS-compatible topics, the way Ceph RGW offers them on the S3 endpoint itself: CreateTopic
// through the Query API (a signed form POST to "/"), with attributes such as RGW's push-endpoint
// and persistent. Signed as service "sns", not "s3", so the request is signed here and sent by
// the Exchange with `sign = false`.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/session.hpp"
#include "sigv4/canonical_request.hpp"

namespace s3storm::s3 {

using TopicAttributes = std::vector<std::pair<std::string, std::string>>;

// The form body:
// Action=CreateTopic&Name=...&Attributes.entry.N.key=...&Attributes.entry.N.value=...
std::string create_topic_form(std::string_view name, const TopicAttributes& attributes);

// A form POST to the endpoint's root, signed for SNS with the session's credentials and region.
// The headers view `storage`, which must outlive the request.
struct SignedSnsCall {
  std::string body;
  std::vector<std::string> storage;
  std::vector<sigv4::Header>
      headers;  // content-type, x-amz-date, [x-amz-security-token], authorization
};
SignedSnsCall sign_sns_call(Session& session, std::string body);

// TopicArn from a CreateTopicResponse; empty when the body holds none.
std::string parse_topic_arn(std::string_view body);

// The Code of an SNS <ErrorResponse><Error> (RGW answers some failures that way); empty if none.
std::string parse_sns_error_code(std::string_view body);

}  // namespace s3storm::s3
