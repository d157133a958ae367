// SigV2 and unsigned requests at the target's door: each SigV2 failure mapped to S3's error code
// and status, v2 POST forms told from v4 ones, and AuthOptions::anonymous letting in only what
// carries no signature at all.

#include <gtest/gtest.h>

#include <functional>

#include "s3_error_of.hpp"
#include "sigv4/amz_date.hpp"
#include "target/authenticator.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {
namespace {

using Clock = std::chrono::system_clock;

using test_support::error_of;
using test_support::kAccessKey;
using test_support::kSecret;
// S3's documented GET /photos/puppy.jpg on awsexamplebucket1 (virtual-hosted).
constexpr const char* kPuppySignature = "qgk2+6Sv9/oM7G3qLEjTH1a1l1g=";
constexpr const char* kPuppyDate = "Tue, 27 Mar 2007 19:36:42 +0000";

Clock::time_point puppy_time(std::chrono::minutes offset = {}) {
  return sigv4::parse_http_date("Tue, 27 Mar 2007 19:36:42 GMT")->time() + offset;
}

Authenticator make_auth_maybe_anonymous(Clock::time_point now, bool anonymous = false) {
  AuthOptions options;
  options.secrets = {{kAccessKey, kSecret}};
  options.now = [now] { return now; };
  options.anonymous = anonymous;
  return Authenticator(std::move(options));
}

http::ServerRequest puppy(const std::string& authorization) {
  http::ServerRequest request;
  request.method = "GET";
  request.target = "/photos/puppy.jpg";
  request.headers = {{"Host", "awsexamplebucket1.localhost:9000"}, {"Date", kPuppyDate}};
  if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
  return request;
}

std::string detail(const S3Error& error, std::string_view name) {
  for (const auto& [n, v] : error.details) {
    if (n == name) return v;
  }
  return {};
}

TEST(AuthenticatorV2, AcceptsS3sDocumentedHeaderExampleAsVirtualHosted) {
  const auto auth = make_auth_maybe_anonymous(puppy_time());
  const auto caller = auth.verify(puppy(std::string("AWS ") + kAccessKey + ":" + kPuppySignature),
                                  "awsexamplebucket1");
  EXPECT_EQ(caller.access_key_id, kAccessKey);
  EXPECT_TRUE(caller.content_type_signed);  // SigV2 always signs Content-Type
  EXPECT_TRUE(caller.checked_payload_sha256.empty());
}

TEST(AuthenticatorV2, EachFailureIsS3sCodeAndStatus) {
  const std::string good = std::string("AWS ") + kAccessKey + ":" + kPuppySignature;
  const auto auth = make_auth_maybe_anonymous(puppy_time());

  const auto wrong = error_of([&] {
    auth.verify(puppy(std::string("AWS ") + kAccessKey + ":AAAA" + (kPuppySignature + 4)),
                "awsexamplebucket1");
  });
  EXPECT_EQ(wrong.code(), ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(error_status(wrong.code()), 403u);
  EXPECT_EQ(detail(wrong, "StringToSign"),
            "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg");

  // Path-style: the same signature does not cover "/photos/puppy.jpg" without the bucket.
  EXPECT_EQ(error_of([&] { auth.verify(puppy(good)); }).code(), ErrorCode::kSignatureDoesNotMatch);

  const auto unknown =
      error_of([&] { auth.verify(puppy("AWS NOBODY:" + std::string(kPuppySignature))); });
  EXPECT_EQ(unknown.code(), ErrorCode::kInvalidAccessKeyId);
  EXPECT_EQ(detail(unknown, "AWSAccessKeyId"), "NOBODY");

  const auto late = make_auth_maybe_anonymous(puppy_time(std::chrono::minutes(16)));
  const auto skewed = error_of([&] { late.verify(puppy(good), "awsexamplebucket1"); });
  EXPECT_EQ(skewed.code(), ErrorCode::kRequestTimeTooSkewed);
  EXPECT_EQ(error_status(skewed.code()), 403u);

  auto undated = puppy(good);
  undated.headers.erase(undated.headers.begin() + 1);  // the Date
  const auto no_date = error_of([&] { auth.verify(undated, "awsexamplebucket1"); });
  EXPECT_EQ(no_date.code(), ErrorCode::kAccessDenied);

  const auto malformed = error_of([&] { auth.verify(puppy("AWS no-colon-here")); });
  EXPECT_EQ(malformed.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_status(malformed.code()), 400u);
}

TEST(AuthenticatorV2, PresignedUrlExpiryIsAccessDenied) {
  // S3's documented query-string example (johnsmith, Expires 1175139620).
  http::ServerRequest request;
  request.method = "GET";
  request.target =
      "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature="
      "NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D";
  request.headers = {{"Host", "johnsmith.localhost"}};
  const auto before = Clock::time_point(std::chrono::seconds(1175139620 - 5));
  EXPECT_EQ(make_auth_maybe_anonymous(before).verify(request, "johnsmith").access_key_id,
            kAccessKey);
  const auto after = Clock::time_point(std::chrono::seconds(1175139621));
  const auto expired =
      error_of([&] { make_auth_maybe_anonymous(after).verify(request, "johnsmith"); });
  EXPECT_EQ(expired.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(std::string(expired.what()), "Request has expired");
  // Without its Signature the URL is refused, not served as anonymous, even with anonymous on.
  request.target = "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620";
  EXPECT_EQ(error_of([&] {
              make_auth_maybe_anonymous(before, true).verify(request, "johnsmith");
            }).code(),
            ErrorCode::kAccessDenied);
}

TEST(AuthenticatorV2, AnonymousLetsInOnlyWhatCarriesNoSignature) {
  const auto closed = make_auth_maybe_anonymous(puppy_time());
  const auto open = make_auth_maybe_anonymous(puppy_time(), true);
  EXPECT_EQ(error_of([&] { closed.verify(puppy("")); }).code(), ErrorCode::kAccessDenied);
  const auto caller = open.verify(puppy(""));
  EXPECT_TRUE(caller.access_key_id.empty());
  // A signature is still verified.
  EXPECT_EQ(error_of([&] {
              open.verify(puppy(std::string("AWS ") + kAccessKey + ":AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
                          "awsexamplebucket1");
            }).code(),
            ErrorCode::kSignatureDoesNotMatch);
}

PostForm form(std::vector<std::pair<std::string, std::string>> fields) {
  PostForm out;
  out.fields = std::move(fields);
  out.has_file = true;
  out.file = "x";
  return out;
}

TEST(AuthenticatorV2, PostFormsAreToldApartAndVerified) {
  const auto auth = make_auth_maybe_anonymous(puppy_time());
  const auto open = make_auth_maybe_anonymous(puppy_time(), true);
  // base64(HMAC-SHA1(secret, policy)), computed with Python's hmac.
  const std::string policy =
      "eyJleHBpcmF0aW9uIjogIjIwMzAtMDEtMDFUMDA6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbXX0=";
  const std::string signature = "ZooyT486f8HC3m4OWUZbCvo123Q=";
  const auto v2 = form(
      {{"key", "k"}, {"AWSAccessKeyId", kAccessKey}, {"policy", policy}, {"signature", signature}});
  EXPECT_EQ(auth.verify_post_form(v2), sigv4::FormSignature::kV2);

  auto tampered = v2;
  tampered.fields[3].second = "AAAA" + signature.substr(4);
  EXPECT_EQ(error_of([&] { auth.verify_post_form(tampered); }).code(),
            ErrorCode::kSignatureDoesNotMatch);
  auto stranger = v2;
  stranger.fields[1].second = "NOBODY";
  EXPECT_EQ(error_of([&] { auth.verify_post_form(stranger); }).code(),
            ErrorCode::kInvalidAccessKeyId);
  auto unsigned_v2 = v2;
  unsigned_v2.fields.pop_back();
  EXPECT_EQ(error_of([&] { auth.verify_post_form(unsigned_v2); }).code(),
            ErrorCode::kInvalidArgument);

  // No policy and no signature: anonymous, which only the anonymous option accepts.
  const auto bare = form({{"key", "test.txt"}});
  EXPECT_EQ(error_of([&] { auth.verify_post_form(bare); }).code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(open.verify_post_form(bare), std::nullopt);
  // A form that signs is verified even then; one with a policy must sign.
  EXPECT_EQ(error_of([&] { open.verify_post_form(tampered); }).code(),
            ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(error_of([&] {
              open.verify_post_form(form({{"key", "k"}, {"policy", policy}}));
            }).code(),
            ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace s3storm::target
