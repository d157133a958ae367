#include "s3/post_form.hpp"

namespace s3storm::s3 {

void write_post_form(PostFormFrame& frame, std::string_view boundary,
                     const std::vector<PostFormField>& fields, std::string_view filename,
                     std::string_view file_content_type) {
  frame.content_type.assign("multipart/form-data; boundary=").append(boundary);

  auto& out = frame.prefix;
  out.clear();
  for (const auto& field : fields) {
    out.append("--").append(boundary).append("\r\n");
    out.append("Content-Disposition: form-data; name=\"").append(field.name).append("\"\r\n\r\n");
    out.append(field.value).append("\r\n");
  }
  out.append("--").append(boundary).append("\r\n");
  out.append("Content-Disposition: form-data; name=\"file\"; filename=\"")
      .append(filename)
      .append("\"\r\n");
  out.append("Content-Type: ").append(file_content_type).append("\r\n\r\n");

  frame.suffix.assign("\r\n--").append(boundary).append("--\r\n");
}

}  // namespace s3storm::s3
