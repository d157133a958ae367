// Fuzz entry point over a browser-form POST as the target reads it (S3Handler::post_object):
// target::parse_post_form splits the multipart/form-data body, Authenticator checks the policy's
// signature, and target::check_post_policy (over sigv4::check_post_policy) judges the form by the
// policy at a fixed time.
//
// Input: the Content-Type header value on the first line (LF), then the body. The policy is the
// form's "policy" field base64-decoded, as the handler does; a field that is not base64 is taken
// as the JSON itself, so the fuzzer can also mutate policies directly. Everything must end in a
// result or an S3Error; anything else is a bug.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../support/aws_example_keys.hpp"
#include "sigv4/crypto.hpp"
#include "target/authenticator.hpp"
#include "target/post_policy.hpp"
#include "target/s3_error.hpp"

namespace {

namespace target = s3storm::target;
namespace aws_example_keys = s3storm::aws_example_keys;
using namespace std::chrono_literals;

// The S3 documentation's POST example (tests/sigv4/data/s3-doc-examples/post-policy) expires
// 2015-12-30T12:00:00Z; the fixed clock is before that, so its conditions are what is judged.
const std::chrono::system_clock::time_point kNow =
    std::chrono::sys_days{std::chrono::year{2015} / 12 / 29};

const target::Authenticator& authenticator() {
  static const target::Authenticator instance([] {
    target::AuthOptions options;
    options.secrets.emplace(aws_example_keys::kS3AccessKey, aws_example_keys::kS3Secret);
    options.now = [] { return kNow; };
    return options;
  }());
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body = input.substr(newline + 1);
  try {
    const target::PostForm form = target::parse_post_form(content_type, body);
    const std::string_view policy = form.field("policy");
    try {
      authenticator().verify_policy_signature(policy, form.field("x-amz-credential"),
                                              form.field("x-amz-signature"));
    } catch (const target::S3Error&) {
      // Not signed by the fixed key: the handler stops here; the fuzzer goes on to the policy.
    }
    const auto decoded = s3storm::sigv4::base64_decode(policy);
    const std::string policy_json = decoded ? *decoded : std::string(policy);
    std::string key(form.field("key"));
    if (const auto at = key.find("${filename}"); at != std::string::npos) {
      key.replace(at, 11, form.filename);
    }
    target::check_post_policy(policy_json, "sigv4examplebucket", key, form, kNow);
  } catch (const target::S3Error&) {
    // Refused as S3 refuses it.
  }
  return 0;
}
