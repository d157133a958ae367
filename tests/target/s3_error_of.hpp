#pragma once

// What the target's unit tests share: the S3 error an action throws (an action that throws none
// fails the test), and the key pair of AWS's SigV4 and SigV2 documentation examples, which the
// authenticator tests' signatures were computed with.

#include <gtest/gtest.h>

#include <functional>

#include "../support/aws_example_keys.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target::test_support {

inline constexpr const char* kAccessKey = aws_example_keys::kS3AccessKey;
inline constexpr const char* kSecret = aws_example_keys::kS3Secret;

inline S3Error error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const S3Error& error) {
    return error;
  }
  ADD_FAILURE() << "accepted: no S3Error thrown";
  return S3Error(ErrorCode::kInternalError, "");
}

inline ErrorCode code_of(const std::function<void()>& action) {
  return error_of(action).code();
}

}  // namespace s3storm::target::test_support
