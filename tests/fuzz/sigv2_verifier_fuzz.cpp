// Fuzz entry point over SigV2 verification as the embedded target does it: a request head parsed
// from the input (tests/fuzz/request_head.hpp), verified by sigv2::Verifier (header and
// presigned-URL auth) and by target::Authenticator (which sends SigV2 there and maps the verdict to
// S3's error codes), with the key of the S3 documentation's examples and at the times the seeds
// were signed (so their valid signatures reach the end of the path). The body is also checked as
// a v2 POST policy, and the string-to-sign pieces see the input on their own.
//
// Each verification must end in a verdict (or S3Error) that never carries the secret key, and a
// request the verifier accepts must be accepted by the Authenticator too; anything else is a bug.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../support/aws_example_keys.hpp"
#include "request_head.hpp"
#include "sigv2/string_to_sign.hpp"
#include "sigv2/verifier.hpp"

namespace {

namespace sigv2 = s3storm::sigv2;
namespace aws_example_keys = s3storm::aws_example_keys;
using Clock = std::chrono::system_clock;

using s3storm::fuzz::Key;
constexpr std::string_view kAccessKey = aws_example_keys::kS3AccessKey;
const std::string kSecret = aws_example_keys::kS3Secret;
const Key kKeys[] = {{kAccessKey, kSecret}};

// The documentation's examples (March 2007), its presigned URL (expires 1175139620) and the
// botocore vectors (tests/sigv2/data/botocore_v2_vectors.json, "now").
const Clock::time_point kTimes[] = {
    Clock::time_point(std::chrono::seconds(1175024202)),  // Tue, 27 Mar 2007 19:36:42 GMT
    Clock::time_point(std::chrono::seconds(1175045399)),  // Wed, 28 Mar 2007 01:29:59 GMT
    Clock::time_point(std::chrono::seconds(1175139560)),
    Clock::time_point(std::chrono::seconds(1796361600)),
};

std::string_view g_input;
void require_no_secret(std::string_view text) {
  s3storm::fuzz::require_no_secret(text, g_input, kKeys);
}

// The bucket of a virtual-hosted Host ("bucket.s3.amazonaws.com", "bucket.s3.us-west-1..."):
// what comes before ".s3.", empty for path style.
std::string_view virtual_bucket(const s3storm::fuzz::RequestHead& head) {
  for (const auto& header : head.headers) {
    if (header.name.size() == 4 && (header.name[0] | 0x20) == 'h' &&
        (header.name[1] | 0x20) == 'o' && (header.name[2] | 0x20) == 's' &&
        (header.name[3] | 0x20) == 't') {
      const auto at = header.value.find(".s3.");
      return at == std::string_view::npos ? std::string_view{} : header.value.substr(0, at);
    }
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  g_input = input;
  const auto head = s3storm::fuzz::parse_request_head(input);
  if (!head) return 0;
  const std::string_view bucket = virtual_bucket(*head);

  // The pieces of the string to sign, on their own.
  const auto question = head->target.find('?');
  const std::string_view target_view = head->target;
  (void)sigv2::canonical_resource(
      bucket, target_view.substr(0, question),
      question == std::string::npos ? std::string_view{} : target_view.substr(question + 1));
  (void)sigv2::canonical_amz_headers(head->headers, head->headers);

  const sigv2::Verifier verifier(
      [](std::string_view key) -> const std::string* {
        return key == kAccessKey ? &kSecret : nullptr;
      },
      std::chrono::minutes(15));

  const auto request = s3storm::fuzz::to_server_request(*head);

  for (const auto now : kTimes) {
    const sigv2::Result result =
        verifier.verify({head->method, head->target, head->headers, bucket}, now);
    require_no_secret(result.message);
    require_no_secret(result.string_to_sign);
    require_no_secret(result.provided_signature);

    const bool accepted = s3storm::fuzz::authenticator_accepts(request, bucket, now, input, kKeys);
    // Both read the same request the same way: one accepting what the other refuses would be a
    // second, diverging verifier.
    if (result.ok() && !accepted) std::abort();
  }

  // The body as a browser form's v2 policy, signed by the last line of the head if any.
  const std::string_view signature =
      head->headers.empty() ? std::string_view{} : head->headers.back().value;
  const sigv2::Result policy = verifier.verify_policy(head->body, kAccessKey, signature);
  require_no_secret(policy.message);
  return 0;
}
