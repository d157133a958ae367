#pragma once

// Parsing the XML documents clients send to the target. Malformed input throws
// S3Error(MalformedXML), as S3 answers.

#include <string>
#include <string_view>
#include <vector>

#include "target/object_store.hpp"

namespace s3storm::target {

std::vector<CompletePart> parse_complete_multipart_upload(std::string_view body);

struct DeleteRequestObject {
  std::string key;
  std::string version_id;  // as sent; empty for none
};
struct DeleteRequest {
  std::vector<DeleteRequestObject> objects;  // 1..1000
  bool quiet = false;
};
DeleteRequest parse_delete_objects(std::string_view body);

// <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>, checked (InvalidTag).
TagSet parse_tagging(std::string_view body);

// <VersioningConfiguration><Status>Enabled|Suspended</Status>: the state asked for. MFA delete
// is refused (NotImplemented) rather than ignored.
Versioning parse_versioning_configuration(std::string_view body);

// Queue, Topic and CloudFunction/LambdaFunction configurations; a Filter element is refused
// (NotImplemented) rather than silently ignored.
NotificationRules parse_notification_configuration(std::string_view body);

// Validates a CreateBucketConfiguration (an empty body is fine); returns the LocationConstraint.
std::string parse_create_bucket_configuration(std::string_view body);

// A PutBucketAcl/PutObjectAcl request: a canned `x-amz-acl` (empty when none) or an
// AccessControlPolicy body. Checked (S3's InvalidArgument / MalformedACLError codes become
// InvalidArgument / MalformedXML here), then not kept: the target enforces no ACL.
void check_acl_request(std::string_view canned, std::string_view body);

}  // namespace s3storm::target
