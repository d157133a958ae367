#include <gtest/gtest.h>

#include "target/post_policy.hpp"
#include "target/s3_error.hpp"
#include "util/iso_time.hpp"

namespace s3storm::target {
namespace {

using Clock = std::chrono::system_clock;

// The policy from AWS's browser-based upload example (conditions on bucket, key prefix, acl,
// redirect, Content-Type prefix, metadata, encryption and the x-amz-* fields).
const char* kAwsPolicy = R"({ "expiration": "2015-12-30T12:00:00.000Z",
  "conditions": [
    {"bucket": "sigv4examplebucket"},
    ["starts-with", "$key", "user/user1/"],
    {"acl": "public-read"},
    {"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},
    ["starts-with", "$Content-Type", "image/"],
    {"x-amz-meta-uuid": "14365123651274"},
    {"x-amz-server-side-encryption": "AES256"},
    ["starts-with", "$x-amz-meta-tag", ""],
    {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},
    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
    {"x-amz-date": "20151229T000000Z" }
  ]
})";

PostForm aws_form() {
  PostForm form;
  form.fields = {
      {"key", "user/user1/photo.jpg"},
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
      {"Policy", "..."},
      {"X-Amz-Signature", "..."},
  };
  form.file = "jpeg bytes";
  form.has_file = true;
  return form;
}

const Clock::time_point kBeforeExpiry = *parse_iso8601("2015-12-29T10:00:00Z");

ErrorCode code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const S3Error& error) {
    return error.code();
  }
  return ErrorCode::kInternalError;  // stands for "accepted" in these tests
}

TEST(PostPolicy, AwsExampleFormSatisfiesItsPolicy) {
  EXPECT_NO_THROW(check_post_policy(kAwsPolicy, "sigv4examplebucket", "user/user1/photo.jpg",
                                    aws_form(), kBeforeExpiry));
}

TEST(PostPolicy, EachViolationIsAccessDenied) {
  const auto form = aws_form();
  EXPECT_EQ(code_of([&] {
              check_post_policy(kAwsPolicy, "sigv4examplebucket", "user/user1/photo.jpg", form,
                                *parse_iso8601("2015-12-30T12:00:00.001Z"));
            }),
            ErrorCode::kAccessDenied);  // expired
  EXPECT_EQ(code_of([&] {
              check_post_policy(kAwsPolicy, "otherbucket", "user/user1/photo.jpg", form,
                                kBeforeExpiry);
            }),
            ErrorCode::kAccessDenied);  // bucket
  EXPECT_EQ(code_of([&] {
              check_post_policy(kAwsPolicy, "sigv4examplebucket", "user/user2/photo.jpg", form,
                                kBeforeExpiry);
            }),
            ErrorCode::kAccessDenied);  // key starts-with
  auto wrong_type = form;
  wrong_type.fields[3].second = "text/plain";
  EXPECT_EQ(code_of([&] {
              check_post_policy(kAwsPolicy, "sigv4examplebucket", "user/user1/photo.jpg",
                                wrong_type, kBeforeExpiry);
            }),
            ErrorCode::kAccessDenied);
  auto extra = form;
  extra.fields.emplace_back("x-amz-meta-sneaky", "1");
  EXPECT_EQ(code_of([&] {
              check_post_policy(kAwsPolicy, "sigv4examplebucket", "user/user1/photo.jpg", extra,
                                kBeforeExpiry);
            }),
            ErrorCode::kAccessDenied);
  auto ignored = form;
  ignored.fields.emplace_back("x-ignore-me", "1");
  EXPECT_EQ(code_of([&] {
              check_post_policy(kAwsPolicy, "sigv4examplebucket", "user/user1/photo.jpg", ignored,
                                kBeforeExpiry);
            }),
            ErrorCode::kInternalError);
}

TEST(PostPolicy, ContentLengthRange) {
  const char* policy = R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [
      {"bucket": "b"}, ["eq", "$key", "k"], ["content-length-range", 5, 10]]})";
  PostForm form;
  form.fields = {{"key", "k"}};
  form.has_file = true;
  const auto now = *parse_iso8601("2029-01-01T00:00:00Z");
  form.file = "12345";
  EXPECT_EQ(code_of([&] { check_post_policy(policy, "b", "k", form, now); }),
            ErrorCode::kInternalError);
  form.file = "12345678901";
  EXPECT_EQ(code_of([&] { check_post_policy(policy, "b", "k", form, now); }),
            ErrorCode::kEntityTooLarge);
  form.file = "1234";
  EXPECT_EQ(code_of([&] { check_post_policy(policy, "b", "k", form, now); }),
            ErrorCode::kEntityTooSmall);
  EXPECT_EQ(code_of([&] { check_post_policy("{not json", "b", "k", form, now); }),
            ErrorCode::kInvalidPolicyDocument);
}

TEST(PostForm, ParsesFieldsAndFileAndIgnoresFieldsAfterTheFile) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuploads/${filename}\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"Policy\"\r\n\r\nabc\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"late\"\r\n\r\nignored\r\n--XyZ--\r\n";
  const auto form = parse_post_form("multipart/form-data; boundary=XyZ", body);
  ASSERT_EQ(form.fields.size(), 2u);
  EXPECT_EQ(form.field("KEY"), "uploads/${filename}");
  EXPECT_EQ(form.field("policy"), "abc");
  EXPECT_EQ(form.file, "line1\r\nline2");
  EXPECT_EQ(form.filename, "a b.txt");
  EXPECT_EQ(form.file_content_type, "text/plain");
  EXPECT_TRUE(form.field("late").empty());
}

TEST(PostForm, MalformedBodiesAreMalformedPostRequest) {
  EXPECT_EQ(code_of([] { parse_post_form("text/plain", "x"); }), ErrorCode::kMalformedPOSTRequest);
  EXPECT_EQ(code_of([] { parse_post_form("multipart/form-data", "x"); }),
            ErrorCode::kMalformedPOSTRequest);
  EXPECT_EQ(code_of([] {
              parse_post_form(
                  "multipart/form-data; boundary=b",
                  "--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b--");
            }),
            ErrorCode::kMalformedPOSTRequest);  // no file
}

}  // namespace
}  // namespace s3storm::target
