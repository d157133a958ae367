#pragma once

// The credentials AWS's documentation signs its published examples with, so tests can check our
// signatures against those examples byte for byte. They are public example values, not secrets.
// There are two pairs: the S3 developer guide's (SigV2 and SigV4 S3 examples, POST policies,
// chunked uploads) and the SigV4 test suite's (aws-sig-v4-test-suite, the IAM examples); a test
// uses the pair its vectors were made with. C strings, so each converts to whatever a test
// hands them to (std::string, std::string_view, const char*).

namespace s3storm::aws_example_keys {

inline constexpr char kS3AccessKey[] = "AKIAIOSFODNN7EXAMPLE";
inline constexpr char kS3Secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

inline constexpr char kSuiteAccessKey[] = "AKIDEXAMPLE";
inline constexpr char kSuiteSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

}  // namespace s3storm::aws_example_keys
