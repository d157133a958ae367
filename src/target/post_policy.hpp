#pragma once

// Browser-form POST uploads: the multipart/form-data body split into fields and file, and the
// policy's verdict (sigv4/post_policy.hpp) on them as S3's errors.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/post_policy.hpp"

namespace s3storm::target {

struct PostForm {
  std::vector<std::pair<std::string, std::string>> fields;  // before the file, in order
  std::string file;
  std::string filename;
  std::string file_content_type;
  bool has_file = false;

  // Case-insensitive, as S3 treats form field names; empty when absent.
  std::string_view field(std::string_view name) const;
};

// Throws S3Error(MalformedPOSTRequest) when the body is not multipart/form-data with a file.
PostForm parse_post_form(std::string_view content_type, std::string_view body);

// sigv4::check_post_policy on the form, its verdict thrown as S3 answers it: AccessDenied
// (expired, condition failed, extra field), EntityTooLarge / EntityTooSmall (content-length-range),
// InvalidPolicyDocument.
void check_post_policy(std::string_view policy_json, std::string_view bucket, std::string_view key,
                       const PostForm& form, std::chrono::system_clock::time_point now,
                       sigv4::FormSignature signature = sigv4::FormSignature::kV4);

}  // namespace s3storm::target
