#pragma once

// A browser-form POST body (multipart/form-data) split around the file's bytes: the prefix (the
// fields and the file part's header) and the suffix (the closing boundary). write_post_upload
// assembles prefix + file + suffix into one body, the one place a payload is copied.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3storm::s3 {

struct PostFormField {
  std::string name;
  std::string value;
};

struct PostFormFrame {
  std::string content_type;  // multipart/form-data; boundary=...
  std::string prefix;        // every field, then the file part's headers
  std::string suffix;        // the closing boundary
};

// S3 ignores any field after "file", so the fields come first in the order given.
void write_post_form(PostFormFrame& frame, std::string_view boundary,
                     const std::vector<PostFormField>& fields, std::string_view filename,
                     std::string_view file_content_type);

}  // namespace s3storm::s3
