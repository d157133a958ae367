#include "s3/post_upload.hpp"

#include "sigv4/post_policy.hpp"

namespace s3storm::s3 {

namespace {
constexpr std::string_view kBoundary = "s3stormFormBoundary7MA4YWxkTrZu0gW";
constexpr std::string_view kDefaultType = "application/octet-stream";
}  // namespace

void write_post_upload(const PostUpload& upload, PostFormFrame& frame,
                       std::vector<PostFormField>& fields, std::string& body) {
  const std::string content_type(upload.content_type.empty() ? kDefaultType : upload.content_type);
  sigv4::PostPolicy policy(upload.time.time() + std::chrono::hours(1));
  policy.equals("bucket", std::string(upload.bucket))
      .equals("key", std::string(upload.key))
      .equals("Content-Type", content_type)
      .content_length_range(upload.data.size(), upload.data.size());

  fields.clear();
  fields.push_back({"key", std::string(upload.key)});
  fields.push_back({"Content-Type", content_type});
  for (auto& [name, value] : sigv4::sign_post_policy(std::move(policy), *upload.credentials,
                                                     upload.region, upload.time)) {
    fields.push_back({std::move(name), std::move(value)});
  }
  write_post_form(frame, kBoundary, fields, "upload", content_type);
  // The form frames the file's bytes, so this body is assembled: the one copied payload.
  body.assign(frame.prefix);
  body.append(upload.data);
  body.append(frame.suffix);
}

}  // namespace s3storm::s3
