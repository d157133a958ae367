#pragma once

// A browser-form upload (POST Object) of one object, signed with a policy that allows exactly
// this bucket, key, content type and size for an hour: the form body and its Content-Type.

#include <string>
#include <string_view>
#include <vector>

#include "s3/post_form.hpp"
#include "sigv4/amz_date.hpp"
#include "sigv4/signer.hpp"

namespace s3storm::s3 {

struct PostUpload {
  std::string_view bucket{};
  std::string_view key{};
  std::string_view content_type{};  // empty: application/octet-stream
  std::string_view data{};
  const sigv4::Credentials* credentials = nullptr;
  std::string_view region{};
  sigv4::AmzDate time{};
};

// Reuses the buffers it is given: `frame` and `fields` are scratch, `body` gets the whole form.
void write_post_upload(const PostUpload& upload, PostFormFrame& frame,
                       std::vector<PostFormField>& fields, std::string& body);

}  // namespace s3storm::s3
