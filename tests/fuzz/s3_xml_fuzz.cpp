// Fuzz entry point over the S3 XML the project reads from the network, on both sides:
//  - the client's reply parsing (src/s3/xml_responses): Error (also inside a 200),
//    InitiateMultipartUploadResult, CompleteMultipartUploadResult / CopyObjectResult,
//    ListBucketResult (V2), ListMultipartUploadsResult;
//  - the target's request bodies (src/target/xml_bodies): CompleteMultipartUpload, Delete,
//    NotificationConfiguration, CreateBucketConfiguration, AccessControlPolicy.
// Every input goes to every parser, so a seed is a plain XML document. The client's readers
// never throw (an unreadable answer reads as empty); the target's throw only S3Error (which the
// handler answers). Anything else is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "s3/xml_responses.hpp"
#include "target/s3_error.hpp"
#include "target/xml_bodies.hpp"

namespace {

template <typename Parse>
void refused_as_s3_does(Parse parse) {
  try {
    parse();
  } catch (const s3storm::target::S3Error& error) {
    (void)s3storm::target::error_status(error.code());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace s3 = s3storm::s3;
  namespace target = s3storm::target;
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  volatile std::size_t sink = 0;
  if (const auto error = s3::parse_error(body)) {
    sink = sink + error->code.size() + error->message.size() + error->request_id.size();
  }
  sink = sink + s3::parse_upload_id(body).size() + s3::parse_result_etag(body).size();
  const s3::ListPage page = s3::parse_list_objects_v2(body);
  sink = sink + page.keys.size() + page.truncated + page.next_continuation_token.size();
  for (const auto& upload : s3::parse_list_multipart_uploads(body)) {
    sink = sink + upload.key.size() + upload.upload_id.size();
  }

  refused_as_s3_does([&] {
    for (const auto& part : target::parse_complete_multipart_upload(body)) {
      sink = sink + static_cast<std::size_t>(part.number) + part.etag.size();
    }
  });
  refused_as_s3_does([&] {
    const auto request = target::parse_delete_objects(body);
    for (const auto& object : request.objects) {
      sink = sink + object.key.size() + object.version_id.size();
    }
    sink = sink + request.quiet;
  });
  refused_as_s3_does([&] { sink = sink + target::parse_tagging(body).size(); });
  refused_as_s3_does([&] {
    sink = sink + static_cast<std::size_t>(target::parse_versioning_configuration(body));
  });
  refused_as_s3_does([&] { sink = sink + target::parse_notification_configuration(body).size(); });
  refused_as_s3_does([&] { sink = sink + target::parse_create_bucket_configuration(body).size(); });
  refused_as_s3_does([&] { target::check_acl_request("", body); });
  return 0;
}
