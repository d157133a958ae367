// POST policies: the builder and signature (AWS's documentation example), and the one checker the
// embedded target ships, held to S3's documented rules for SigV4 browser uploads.

#include "sigv4/post_policy.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../support/aws_example_keys.hpp"
#include "sigv4/crypto.hpp"
#include "util/iso_time.hpp"

namespace s3storm::sigv4 {
namespace {

using Clock = std::chrono::system_clock;

const std::string kDataDir =
    std::string(S3STORM_TEST_DATA_DIR) + "/s3-doc-examples/post-policy/post-policy";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Clock::time_point at(const char* iso8601) {
  return parse_iso8601(iso8601).value();
}

// The form of AWS's browser-based upload example, without the bucket (it is in the URL).
FormFields aws_form() {
  return {{"key", "user/user1/photo.jpg"},
          {"acl", "public-read"},
          {"success_action_redirect",
           "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},
          {"Content-Type", "image/jpeg"},
          {"x-amz-meta-uuid", "14365123651274"},
          {"x-amz-server-side-encryption", "AES256"},
          {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},
          {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
          {"X-Amz-Date", "20151229T000000Z"},
          {"x-amz-meta-tag", ""},
          {"Policy", read_file(kDataDir + ".b64")},
          {"X-Amz-Signature", read_file(kDataDir + ".signature")}};
}

PolicyVerdict verdict(std::string_view policy, const FormFields& form,
                      Clock::time_point now = at("2015-12-29T10:00:00Z"),
                      std::string_view key = "user/user1/photo.jpg", std::uint64_t size = 1000) {
  return check_post_policy(policy, "sigv4examplebucket", key, form, size, now).verdict;
}

TEST(PostPolicy, SignsTheAwsDocumentationExample) {
  const std::string b64 = read_file(kDataDir + ".b64");
  EXPECT_EQ(base64_encode(read_file(kDataDir + ".policy")), b64);
  EXPECT_EQ(sign_policy(b64, aws_example_keys::kS3Secret, "20151229", "us-east-1"),
            read_file(kDataDir + ".signature"));
}

TEST(PostPolicy, TheAwsDocumentationFormPassesUntilExpiry) {
  const std::string policy = read_file(kDataDir + ".policy");
  const auto check = check_post_policy(policy, "sigv4examplebucket", "user/user1/photo.jpg",
                                       aws_form(), 1000, at("2015-12-30T11:59:59Z"));
  EXPECT_TRUE(check.ok()) << check.detail;
  EXPECT_EQ(verdict(policy, aws_form(), at("2015-12-30T12:00:00.000Z")), PolicyVerdict::kOk);
  EXPECT_EQ(verdict(policy, aws_form(), at("2015-12-30T12:00:00.001Z")), PolicyVerdict::kExpired);
}

TEST(PostPolicy, EachFailedConditionIsNamed) {
  const std::string policy = read_file(kDataDir + ".policy");
  const auto check = check_post_policy(policy, "otherbucket", "user/user1/photo.jpg", aws_form(),
                                       1000, at("2015-12-29T10:00:00Z"));
  EXPECT_EQ(check.verdict, PolicyVerdict::kConditionFailed);
  EXPECT_EQ(check.detail, R"(["eq", "$bucket", "sigv4examplebucket"])");
  EXPECT_EQ(verdict(policy, aws_form(), at("2015-12-29T10:00:00Z"), "user/user2/photo.jpg"),
            PolicyVerdict::kConditionFailed);
  auto wrong_type = aws_form();
  wrong_type[3].second = "text/plain";
  EXPECT_EQ(verdict(policy, wrong_type), PolicyVerdict::kConditionFailed);
}

TEST(PostPolicy, EveryFormFieldNeedsAConditionButTheExemptOnes) {
  const std::string policy = read_file(kDataDir + ".policy");
  auto form = aws_form();
  // S3's exemptions: policy, x-amz-signature (both already in the form), file, x-ignore-*.
  form.emplace_back("file", "bytes");
  form.emplace_back("X-Ignore-Me", "1");
  EXPECT_EQ(verdict(policy, form), PolicyVerdict::kOk);

  auto extra = aws_form();
  extra.emplace_back("x-amz-meta-sneaky", "1");
  const auto check = check_post_policy(policy, "sigv4examplebucket", "user/user1/photo.jpg", extra,
                                       1000, at("2015-12-29T10:00:00Z"));
  EXPECT_EQ(check.verdict, PolicyVerdict::kExtraField);
  EXPECT_EQ(check.detail, "x-amz-meta-sneaky");
  // Signature Version 2's auth fields are not exempt in a SigV4 form.
  for (const char* v2_field : {"AWSAccessKeyId", "Signature"}) {
    auto v2 = aws_form();
    v2.emplace_back(v2_field, "x");
    EXPECT_EQ(verdict(policy, v2), PolicyVerdict::kExtraField) << v2_field;
  }
}

TEST(PostPolicy, ASigV2FormExemptsItsOwnAuthFieldsInsteadOfXAmzSignature) {
  // The same document, as a SigV2 form would carry it (boto3's default presigned POST).
  const std::string policy =
      R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [{"acl": "private"},)"
      R"( ["content-length-range", 0, 1048576], {"bucket": "test-bucket"}, {"key": "test.txt"}]})";
  const FormFields v2 = {{"acl", "private"},
                         {"key", "test.txt"},
                         {"AWSAccessKeyId", "s3storm"},
                         {"policy", "..."},
                         {"signature", "..."}};
  const auto check_as = [&](const FormFields& form, FormSignature signature) {
    return check_post_policy(policy, "test-bucket", "test.txt", form, 29,
                             at("2026-12-04T00:00:00Z"), signature)
        .verdict;
  };
  EXPECT_EQ(check_as(v2, FormSignature::kV2), PolicyVerdict::kOk);
  EXPECT_EQ(check_as(v2, FormSignature::kV4), PolicyVerdict::kExtraField);
  auto with_v4_signature = v2;
  with_v4_signature.emplace_back("x-amz-signature", "...");
  EXPECT_EQ(check_as(with_v4_signature, FormSignature::kV2), PolicyVerdict::kExtraField);
}

TEST(PostPolicy, ABucketFieldNeedsItsConditionLikeAnyOther) {
  auto form = aws_form();
  form.emplace_back("bucket", "sigv4examplebucket");
  EXPECT_EQ(verdict(read_file(kDataDir + ".policy"), form), PolicyVerdict::kOk);
  const char* no_bucket_condition = R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [
      ["eq", "$key", "k"]]})";
  EXPECT_EQ(check_post_policy(no_bucket_condition, "b", "k", {{"key", "k"}}, 1,
                              at("2029-01-01T00:00:00Z"))
                .verdict,
            PolicyVerdict::kOk);
  EXPECT_EQ(check_post_policy(no_bucket_condition, "b", "k", {{"key", "k"}, {"bucket", "b"}}, 1,
                              at("2029-01-01T00:00:00Z"))
                .verdict,
            PolicyVerdict::kExtraField);
}

PolicyCheck length_check(std::string_view range, std::uint64_t size) {
  const std::string policy =
      R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [)" + std::string(range) + "]}";
  return check_post_policy(policy, "b", "k", {}, size, at("2029-01-01T00:00:00Z"));
}

TEST(PostPolicy, ContentLengthRangeBoundsTheFile) {
  EXPECT_TRUE(length_check(R"(["content-length-range", 5, 10])", 5).ok());
  EXPECT_TRUE(length_check(R"(["content-length-range", 5, 10])", 10).ok());
  const auto large = length_check(R"(["content-length-range", 5, 10])", 11);
  EXPECT_EQ(large.verdict, PolicyVerdict::kTooLarge);
  EXPECT_EQ(large.limit, 10u);
  const auto small = length_check(R"(["Content-Length-Range", 5, 10])", 4);
  EXPECT_EQ(small.verdict, PolicyVerdict::kTooSmall);
  EXPECT_EQ(small.limit, 5u);
}

TEST(PostPolicy, ContentLengthRangeTakesOnlyNonNegativeIntegers) {
  for (const char* range :
       {R"(["content-length-range", -1, 10])", R"(["content-length-range", 0, -5])",
        R"(["content-length-range", 1.5, 10])", R"(["content-length-range", "1", "10"])"}) {
    EXPECT_EQ(length_check(range, 5).verdict, PolicyVerdict::kInvalidDocument) << range;
  }
}

TEST(PostPolicy, MalformedDocumentsAndConditions) {
  const auto now = at("2029-01-01T00:00:00Z");
  for (const char* policy :
       {"{not json", R"({"conditions": []})", R"({"expiration": "2030-01-01", "conditions": []})",
        R"({"expiration": "2030-01-01T00:00:00Z"})",
        R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "key", "k"]]})",
        R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["in", "$key", "k"]]})",
        R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "$key"]]})"}) {
    EXPECT_EQ(check_post_policy(policy, "b", "k", {}, 0, now).verdict,
              PolicyVerdict::kInvalidDocument)
        << policy;
  }
}

TEST(PostPolicy, BuilderRoundTripsThroughTheChecker) {
  const AmzDate time = AmzDate::parse("20240301T120000Z").value();
  PostPolicy policy(time.time() + std::chrono::hours(1));
  policy.equals("bucket", "test-bucket")
      .starts_with("key", "uploads/")
      .content_length_range(1, 1024);
  const Credentials credentials{"AKID", "SECRET", "TOKEN"};
  FormFields fields = sign_post_policy(policy, credentials, "eu-west-1", time);
  const auto field = [&](std::string_view name) {
    for (const auto& [n, v] : fields) {
      if (n == name) return v;
    }
    return std::string();
  };
  EXPECT_EQ(field("x-amz-credential"), "AKID/20240301/eu-west-1/s3/aws4_request");
  EXPECT_EQ(field("x-amz-security-token"), "TOKEN");
  EXPECT_EQ(field("x-amz-signature"),
            sign_policy(field("policy"), "SECRET", "20240301", "eu-west-1"));
  const std::string json = base64_decode(field("policy")).value();
  EXPECT_NE(json.find(R"("expiration":"2024-03-01T13:00:00.000Z")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"(["starts-with","$key","uploads/"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"x-amz-security-token":"TOKEN"})"), std::string::npos) << json;
  fields.emplace_back("key", "uploads/a.txt");
  const auto check = [&](std::string_view bucket, std::uint64_t size) {
    return check_post_policy(json, bucket, "uploads/a.txt", fields, size, time.time()).verdict;
  };
  EXPECT_EQ(check("test-bucket", 29), PolicyVerdict::kOk);
  EXPECT_EQ(check("test-bucket", 2048), PolicyVerdict::kTooLarge);
  EXPECT_EQ(check("other", 29), PolicyVerdict::kConditionFailed);
}

}  // namespace
}  // namespace s3storm::sigv4
