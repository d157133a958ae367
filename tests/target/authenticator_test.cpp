// Verification checked against the worked examples in AWS's S3 SigV4 documentation
// (GET with Range, presigned URL, POST policy), and each failure mapped to S3's error code.

#include "target/authenticator.hpp"

#include <gtest/gtest.h>

#include "s3_error_of.hpp"
#include "sigv4/amz_date.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {
namespace {

using Clock = std::chrono::system_clock;

using test_support::error_of;
using test_support::kAccessKey;
using test_support::kSecret;
constexpr const char* kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";

Clock::time_point at(const char* amz_date) {
  return sigv4::AmzDate::parse(amz_date)->time();
}

Authenticator make_auth_with_secret(Clock::time_point now, const char* secret = kSecret) {
  AuthOptions options;
  options.secrets = {{kAccessKey, secret}};
  options.now = [now] { return now; };
  return Authenticator(std::move(options));
}

http::ServerRequest get_with_range(const std::string& signature) {
  http::ServerRequest request;
  request.method = "GET";
  request.target = "/test.txt";
  request.headers = {
      {"Host", kHost},
      {"Range", "bytes=0-9"},
      {"x-amz-content-sha256", kEmptyHash},
      {"x-amz-date", "20130524T000000Z"},
      {"Authorization",
       std::string("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                   "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                   "Signature=") +
           signature}};
  return request;
}

const std::string kGetSignature =
    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

TEST(Authenticator, AcceptsAwsHeaderExample) {
  const auto auth = make_auth_with_secret(at("20130524T000500Z"));
  const auto request = get_with_range(kGetSignature);
  const auto caller = auth.verify(request);
  EXPECT_EQ(caller.access_key_id, kAccessKey);
  // The body was held to the signed hash, so the store may reuse that hash.
  EXPECT_EQ(caller.checked_payload_sha256, kEmptyHash);
}

TEST(Authenticator, WrongSecretIsSignatureDoesNotMatchWithStringToSign) {
  const auto auth = make_auth_with_secret(at("20130524T000000Z"), "not-the-secret");
  const auto request = get_with_range(kGetSignature);
  const auto error = error_of([&] { auth.verify(request); });
  EXPECT_EQ(error.code(), ErrorCode::kSignatureDoesNotMatch);
  bool has_string_to_sign = false;
  for (const auto& [name, value] : error.details) {
    if (name == "StringToSign") {
      has_string_to_sign = true;
      EXPECT_EQ(value,
                "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    }
  }
  EXPECT_TRUE(has_string_to_sign);
}

TEST(Authenticator, TamperedHeaderOrUnknownKeyOrSkewFail) {
  const auto auth = make_auth_with_secret(at("20130524T000000Z"));
  auto request = get_with_range(kGetSignature);
  request.headers[1].second = "bytes=0-10";
  EXPECT_EQ(error_of([&] { auth.verify(request); }).code(), ErrorCode::kSignatureDoesNotMatch);

  AuthOptions other;
  other.secrets = {{"SOMEONEELSE", kSecret}};
  other.now = [] { return at("20130524T000000Z"); };
  const Authenticator stranger(other);
  request = get_with_range(kGetSignature);
  EXPECT_EQ(error_of([&] { stranger.verify(request); }).code(), ErrorCode::kInvalidAccessKeyId);

  const auto late = make_auth_with_secret(at("20130524T001600Z"));
  EXPECT_EQ(error_of([&] { late.verify(request); }).code(), ErrorCode::kRequestTimeTooSkewed);

  request.headers.pop_back();  // no Authorization at all
  EXPECT_EQ(error_of([&] { auth.verify(request); }).code(), ErrorCode::kAccessDenied);
}

TEST(Authenticator, SignedPayloadHashMustMatchTheBody) {
  const auto auth = make_auth_with_secret(at("20130524T000000Z"));
  auto request = get_with_range(kGetSignature);
  request.body = "tampered";  // the signed hash is the empty body's
  const auto error = error_of([&] { auth.verify(request); });
  EXPECT_EQ(error.code(), ErrorCode::kXAmzContentSHA256Mismatch);
  EXPECT_EQ(error_status(error.code()), 400u);
}

// A PUT of `body` signed with x-amz-content-sha256 set to `declared_hash` as given.
http::ServerRequest signed_put(const std::string& body, std::string_view declared_hash) {
  sigv4::Signer signer({kAccessKey, kSecret, {}}, "us-east-1", "s3");
  const std::vector<sigv4::Header> headers{{"host", kHost}};
  const auto& out = signer.sign({"PUT", "/key", "", headers, declared_hash},
                                *sigv4::AmzDate::parse("20130524T000000Z"));
  http::ServerRequest request;
  request.method = "PUT";
  request.target = "/key";
  request.headers = {{"Host", kHost},
                     {"x-amz-date", std::string(out.amz_date)},
                     {"x-amz-content-sha256", std::string(out.content_sha256)},
                     {"Authorization", std::string(out.authorization)}};
  request.body = body;
  return request;
}

TEST(Authenticator, SignedPayloadHashInUpperCaseIsTheSameHash) {
  const auto auth = make_auth_with_secret(at("20130524T000000Z"));
  std::string upper = sigv4::sha256_hex("hello");
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto request = signed_put("hello", upper);
  EXPECT_EQ(auth.verify(request).checked_payload_sha256, upper);
  EXPECT_EQ(error_of([&] { auth.verify(signed_put("hellO", upper)); }).code(),
            ErrorCode::kXAmzContentSHA256Mismatch);
}

TEST(Authenticator, PayloadHashThatIsNotHexIsNotImplemented) {
  const auto auth = make_auth_with_secret(at("20130524T000000Z"));
  for (const char* declared :
       {"abc", "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}) {
    EXPECT_EQ(error_of([&] { auth.verify(signed_put("", declared)); }).code(),
              ErrorCode::kNotImplemented)
        << declared;
  }
}

// serve judges a request from its header before reading the body (issue #18): verify_header
// decides everything but the body, check_payload then holds the body to the signed hash.
TEST(Authenticator, TheHeaderIsJudgedWithoutTheBodyAndTheBodyAfterIt) {
  const auto auth = make_auth_with_secret(at("20130524T000000Z"));
  auto request = signed_put("", sigv4::sha256_hex("the body"));
  auto caller = auth.verify_header(request);  // no body yet
  EXPECT_EQ(caller.access_key_id, kAccessKey);
  EXPECT_EQ(caller.signed_payload_sha256, sigv4::sha256_hex("the body"));
  EXPECT_TRUE(caller.checked_payload_sha256.empty());
  request.body = "the body";
  Authenticator::check_payload(request, caller);
  EXPECT_EQ(caller.checked_payload_sha256, sigv4::sha256_hex("the body"));
  request.body = "another body";
  EXPECT_EQ(error_of([&] { Authenticator::check_payload(request, caller); }).code(),
            ErrorCode::kXAmzContentSHA256Mismatch);

  // A bad signature, or a payload hash that is no hash, is known from the header alone.
  const auto wrong = make_auth_with_secret(at("20130524T000000Z"), "not-the-secret");
  EXPECT_EQ(error_of([&] { wrong.verify_header(signed_put("", kEmptyHash)); }).code(),
            ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(error_of([&] { auth.verify_header(signed_put("", "abc")); }).code(),
            ErrorCode::kNotImplemented);
  // UNSIGNED-PAYLOAD leaves nothing to check.
  EXPECT_TRUE(
      auth.verify_header(signed_put("x", sigv4::kUnsignedPayload)).signed_payload_sha256.empty());
}

// An aws-chunked body is not hashed whole: the caller gets what signs the chunks under the
// request's key, date and scope, seeded with the request's own signature (the body is checked as
// it is decoded).
TEST(Authenticator, StreamingPayloadCarriesItsChunkSigner) {
  const auto auth = make_auth_with_secret(at("20130524T000000Z"));
  // The same key, date and scope as every request below: AWS's example, whose chunk signatures
  // are published (tests/sigv4/chunk_signature_test.cpp).
  const sigv4::Digest key = sigv4::derive_signing_key(kSecret, "20130524", "us-east-1", "s3");
  const sigv4::ChunkSigner expected({sigv4::HmacSha256Key(std::string_view(
                                         reinterpret_cast<const char*>(key.data()), key.size())),
                                     "20130524T000000Z", "20130524/us-east-1/s3/aws4_request"});
  const sigv4::Digest data = sigv4::sha256("chunk");
  for (const char* declared :
       {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"}) {
    const auto request = signed_put("not decoded here", declared);
    const VerifiedCaller caller = auth.verify(request);
    EXPECT_EQ(caller.streaming_payload, declared);
    const std::string_view authorization = request.header("authorization");
    EXPECT_EQ(caller.seed_signature, authorization.substr(authorization.find("Signature=") + 10));
    ASSERT_TRUE(caller.chunk_signing);
    EXPECT_EQ(caller.chunk_signing->chunk(caller.seed_signature, data).view(),
              expected.chunk(caller.seed_signature, data).view());
    EXPECT_EQ(caller.chunk_signing->trailer(caller.seed_signature, "x:1\n").view(),
              expected.trailer(caller.seed_signature, "x:1\n").view());
    // The header alone decides whether the body is read; the signer is made only for the body.
    EXPECT_FALSE(auth.verify_header(request).chunk_signing);
  }
  // Another secret for the same key id, date and scope signs other chunks: a signer made for one
  // is not handed to the other.
  const auto other = make_auth_with_secret(at("20130524T000000Z"), "another-secret");
  sigv4::Signer other_signer({kAccessKey, "another-secret", {}}, "us-east-1", "s3");
  const std::vector<sigv4::Header> headers{{"host", kHost}};
  const auto& out = other_signer.sign({"PUT", "/key", "", headers, sigv4::kStreamingSignedPayload},
                                      *sigv4::AmzDate::parse("20130524T000000Z"));
  http::ServerRequest other_request = signed_put("", sigv4::kStreamingSignedPayload);
  other_request.headers.back().second = std::string(out.authorization);
  const VerifiedCaller other_caller = other.verify(other_request);
  ASSERT_TRUE(other_caller.chunk_signing);
  EXPECT_NE(other_caller.chunk_signing->chunk(other_caller.seed_signature, data).view(),
            expected.chunk(other_caller.seed_signature, data).view());
  const auto request = signed_put("x", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  const VerifiedCaller unsigned_chunks = auth.verify(request);  // views into the request
  EXPECT_EQ(unsigned_chunks.streaming_payload, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  EXPECT_FALSE(unsigned_chunks.chunk_signing);
}

http::ServerRequest presigned() {
  http::ServerRequest request;
  request.method = "GET";
  request.target =
      "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524"
      "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-"
      "SignedHeaders=host&X-Amz-Signature="
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  request.headers = {{"Host", kHost}};
  return request;
}

TEST(Authenticator, PresignedUrlFromAwsExampleAndItsExpiry) {
  const auto request = presigned();
  const auto caller = make_auth_with_secret(at("20130524T230000Z")).verify(request);
  EXPECT_EQ(caller.access_key_id, kAccessKey);
  EXPECT_EQ(caller.checked_payload_sha256, "");  // a presigned URL does not sign the body
  const auto expired = make_auth_with_secret(at("20130525T000001Z"));
  const auto error = error_of([&] { expired.verify(request); });
  EXPECT_EQ(error.code(), ErrorCode::kAccessDenied);
  EXPECT_STREQ(error.what(), "Request has expired");

  auto tampered = presigned();
  tampered.target.replace(tampered.target.find("test.txt"), 8, "test.TXT");
  EXPECT_EQ(
      error_of([&] { make_auth_with_secret(at("20130524T000000Z")).verify(tampered); }).code(),
      ErrorCode::kSignatureDoesNotMatch);
}

const char* kAwsExamplePolicyBase64 =
    "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7"
    "ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91"
    "c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3Qi"
    "OiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwi"
    "fSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRh"
    "LXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVT"
    "MjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNy"
    "ZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9"
    "LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAi"
    "MjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";

TEST(Authenticator, PostPolicySignatureFromAwsExample) {
  const auto auth = make_auth_with_secret(at("20151229T000000Z"));
  const char* credential = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request";
  EXPECT_EQ(auth.verify_policy_signature(
                kAwsExamplePolicyBase64, credential,
                "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"),
            kAccessKey);
  EXPECT_EQ(error_of([&] {
              auth.verify_policy_signature(
                  kAwsExamplePolicyBase64, credential,
                  "0afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e");
            }).code(),
            ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(error_of([&] {
              auth.verify_policy_signature(kAwsExamplePolicyBase64, "short/cred", "00");
            }).code(),
            ErrorCode::kAuthorizationHeaderMalformed);
}

}  // namespace
}  // namespace s3storm::target
