// Fuzz entry point over SigV4 verification as the embedded target does it: a request head parsed
// from the input, verified by sigv4::Verifier and by target::Authenticator (which adds the body
// check against a signed payload hash and S3's error codes), against the fixed keys of the AWS
// test suite and of the S3 documentation's examples, each at the time those examples were signed
// (so the seeds' valid signatures reach the end of the path). The credential parsers see every
// header value too.
//
// Input: "METHOD TARGET [VERSION]" on the first line, then "Name: value" lines up to an empty
// line (CRLF or LF), then the body. Each verification must end in a verdict (or S3Error), and no
// verdict may carry a secret key; anything else is a bug.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "../support/aws_example_keys.hpp"
#include "request_head.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/verifier.hpp"

namespace {

namespace sigv4 = s3storm::sigv4;
namespace aws_example_keys = s3storm::aws_example_keys;
using namespace std::chrono_literals;

using s3storm::fuzz::Key;
// tests/sigv4/data/aws-sig-v4-test-suite and tests/sigv4/data/s3-doc-examples (context.txt).
constexpr Key kKeys[] = {
    {aws_example_keys::kSuiteAccessKey, aws_example_keys::kSuiteSecret},
    {aws_example_keys::kS3AccessKey, aws_example_keys::kS3Secret},
};
const std::chrono::system_clock::time_point kTimes[] = {
    std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min,
    std::chrono::sys_days{std::chrono::year{2013} / 5 / 24},
};

std::string_view g_input;
void require_no_secret(std::string_view text) {
  s3storm::fuzz::require_no_secret(text, g_input, kKeys);
}

void parse_credentials(std::string_view value) {
  // "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=..."
  const std::size_t at = value.find("Credential=");
  if (at != std::string_view::npos) value.remove_prefix(at + 11);
  value = value.substr(0, value.find(','));
  (void)sigv4::parse_credential(value);
  (void)sigv4::signed_list_names(value, "host");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  g_input = input;
  const auto head = s3storm::fuzz::parse_request_head(input);
  if (!head) return 0;
  for (const auto& header : head->headers) parse_credentials(header.value);

  const std::string body_sha256 = sigv4::sha256_hex(head->body);
  const sigv4::ReceivedRequest received{head->method, head->target, head->headers, body_sha256};
  static const std::string kSecrets[] = {std::string(kKeys[0].secret),
                                         std::string(kKeys[1].secret)};
  sigv4::Verifier verifier([](std::string_view id) -> const std::string* {
    for (std::size_t i = 0; i < std::size(kKeys); ++i) {
      if (kKeys[i].access_key_id == id) return &kSecrets[i];
    }
    return nullptr;
  });

  const auto request = s3storm::fuzz::to_server_request(*head);

  for (const auto now : kTimes) {
    const sigv4::VerifyResult result = verifier.verify(received, now);
    require_no_secret(result.message);
    require_no_secret(result.canonical_request);
    require_no_secret(result.string_to_sign);
    (void)sigv4::s3_error_code(result.status);
    for (std::size_t i = 0; i < head->headers.size(); ++i) {
      (void)result.covers(i, head->headers[i].name);
    }

    (void)s3storm::fuzz::authenticator_accepts(request, {}, now, input, kKeys);
  }
  return 0;
}
