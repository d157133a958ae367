#include "target/post_policy.hpp"

#include <gtest/gtest.h>

#include "target/s3_error.hpp"
#include "util/iso_time.hpp"

namespace s3storm::target {
namespace {

using Clock = std::chrono::system_clock;

// The checks themselves are sigv4::check_post_policy's (tests/sigv4/post_policy_test.cpp); these
// are about the S3 error each verdict becomes.
const char* kPolicy = R"({"expiration": "2015-12-30T12:00:00.000Z", "conditions": [
    {"bucket": "b"}, ["starts-with", "$key", "user/"], {"acl": "public-read"}]})";

PostForm small_form() {
  PostForm form;
  form.fields = {{"key", "user/a"}, {"ACL", "public-read"}, {"Policy", "..."}};
  form.file = "bytes";
  form.has_file = true;
  return form;
}

ErrorCode code_or_internal_error_if_accepted(const std::function<void()>& action) {
  try {
    action();
  } catch (const S3Error& error) {
    return error.code();
  }
  return ErrorCode::kInternalError;  // stands for "accepted" in these tests
}

ErrorCode check(const PostForm& form, std::string_view bucket = "b",
                std::string_view now = "2015-12-29T10:00:00Z") {
  return code_or_internal_error_if_accepted(
      [&] { check_post_policy(kPolicy, bucket, "user/a", form, *parse_iso8601(now)); });
}

TEST(PostPolicy, EachViolationIsAccessDenied) {
  EXPECT_EQ(check(small_form()), ErrorCode::kInternalError);
  EXPECT_EQ(check(small_form(), "b", "2015-12-30T12:00:00.001Z"), ErrorCode::kAccessDenied);
  EXPECT_EQ(check(small_form(), "other"), ErrorCode::kAccessDenied);
  auto wrong_acl = small_form();
  wrong_acl.fields[1].second = "private";
  EXPECT_EQ(check(wrong_acl), ErrorCode::kAccessDenied);
  auto extra = small_form();
  extra.fields.emplace_back("x-amz-meta-sneaky", "1");
  EXPECT_EQ(check(extra), ErrorCode::kAccessDenied);
  auto ignored = small_form();
  ignored.fields.emplace_back("x-ignore-me", "1");
  EXPECT_EQ(check(ignored), ErrorCode::kInternalError);
}

TEST(PostPolicy, ContentLengthRange) {
  const char* policy = R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [
      {"bucket": "b"}, ["eq", "$key", "k"], ["content-length-range", 5, 10]]})";
  PostForm form;
  form.fields = {{"key", "k"}};
  form.has_file = true;
  const auto now = *parse_iso8601("2029-01-01T00:00:00Z");
  form.file = "12345";
  EXPECT_EQ(
      code_or_internal_error_if_accepted([&] { check_post_policy(policy, "b", "k", form, now); }),
      ErrorCode::kInternalError);
  form.file = "12345678901";
  EXPECT_EQ(
      code_or_internal_error_if_accepted([&] { check_post_policy(policy, "b", "k", form, now); }),
      ErrorCode::kEntityTooLarge);
  form.file = "1234";
  EXPECT_EQ(
      code_or_internal_error_if_accepted([&] { check_post_policy(policy, "b", "k", form, now); }),
      ErrorCode::kEntityTooSmall);
  EXPECT_EQ(code_or_internal_error_if_accepted(
                [&] { check_post_policy("{not json", "b", "k", form, now); }),
            ErrorCode::kInvalidPolicyDocument);
}

TEST(PostPolicy, SizeErrorsCarryTheProposedSizeAndTheLimit) {
  const char* policy = R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [
      ["eq", "$key", "k"], ["content-length-range", 5, 10]]})";
  PostForm form;
  form.fields = {{"key", "k"}};
  form.has_file = true;
  form.file = "12345678901";
  try {
    check_post_policy(policy, "b", "k", form, *parse_iso8601("2029-01-01T00:00:00Z"));
    FAIL() << "accepted";
  } catch (const S3Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kEntityTooLarge);
    const std::vector<std::pair<std::string, std::string>> expected{{"ProposedSize", "11"},
                                                                    {"MaxSizeAllowed", "10"}};
    EXPECT_EQ(error.details, expected);
  }
}

TEST(PostPolicy, ANegativeLengthBoundIsAnInvalidPolicy) {
  const char* policy = R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [
      ["eq", "$key", "k"], ["content-length-range", -1, 10]]})";
  PostForm form;
  form.fields = {{"key", "k"}};
  form.has_file = true;
  form.file = "12345";
  EXPECT_EQ(code_or_internal_error_if_accepted([&] {
              check_post_policy(policy, "b", "k", form, *parse_iso8601("2029-01-01T00:00:00Z"));
            }),
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
  EXPECT_EQ(code_or_internal_error_if_accepted([] { parse_post_form("text/plain", "x"); }),
            ErrorCode::kMalformedPOSTRequest);
  EXPECT_EQ(code_or_internal_error_if_accepted([] { parse_post_form("multipart/form-data", "x"); }),
            ErrorCode::kMalformedPOSTRequest);
  EXPECT_EQ(code_or_internal_error_if_accepted([] {
              parse_post_form(
                  "multipart/form-data; boundary=b",
                  "--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b--");
            }),
            ErrorCode::kMalformedPOSTRequest);  // no file
}

}  // namespace
}  // namespace s3storm::target
