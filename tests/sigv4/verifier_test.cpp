// Server-side verification: round trips through the Signer and every failure reason.

#include "sigv4/verifier.hpp"

#include <gtest/gtest.h>

#include <array>

#include "../support/aws_example_keys.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"

namespace s3storm::sigv4 {
namespace {

using std::chrono::seconds;

const Credentials kCredentials{aws_example_keys::kS3AccessKey, aws_example_keys::kS3Secret, ""};

SecretLookup lookup_for(const Credentials& credentials) {
  // The secret lives in the lookup's own copy of the credentials, as long as the verifier.
  return [credentials](std::string_view access_key) -> const std::string* {
    return access_key == credentials.access_key_id ? &credentials.secret_access_key : nullptr;
  };
}

AmzDate at(const char* text) {
  return AmzDate::parse(text).value();
}

// A received request assembled from what the signer said to send.
struct Wire {
  std::string target;
  std::vector<std::pair<std::string, std::string>> owned;
  std::vector<Header> headers;
  void finish() {
    headers.clear();
    for (const auto& [name, value] : owned) headers.push_back({name, value});
  }
};

Wire sign_put(Signer& signer, const AmzDate& time,
              std::string_view query = "uploads=&partNumber=1") {
  const std::array<Header, 3> to_sign{{{"Host", "127.0.0.1:9000"},
                                       {"Content-Type", "text/plain"},
                                       {"x-amz-meta-note", "  a   b "}}};
  const std::string payload = sha256_hex("hello");
  const auto& out = signer.sign({"PUT", "/bucket/a%20b", query, to_sign, payload}, time);
  Wire wire;
  wire.target = "/bucket/a%20b" + (query.empty() ? std::string() : "?" + std::string(query));
  for (const auto& h : to_sign) wire.owned.emplace_back(std::string(h.name), std::string(h.value));
  wire.owned.emplace_back("X-Amz-Date", std::string(out.amz_date));
  wire.owned.emplace_back("X-Amz-Content-SHA256", std::string(out.content_sha256));
  if (!out.security_token.empty())
    wire.owned.emplace_back("X-Amz-Security-Token", std::string(out.security_token));
  wire.owned.emplace_back("Authorization", std::string(out.authorization));
  wire.owned.emplace_back("User-Agent", "unsigned-extra");  // not signed: must not matter
  wire.finish();
  return wire;
}

TEST(Verifier, AcceptsWhatTheSignerSigned) {
  Signer signer(kCredentials, "us-east-1", "s3");
  const AmzDate time = at("20240301T120000Z");
  Wire wire = sign_put(signer, time);
  Verifier verifier(lookup_for(kCredentials));
  const auto result =
      verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time() + seconds(30));
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.access_key_id, kCredentials.access_key_id);
  // What the server then holds the body to: the declared hash, seen in the request itself.
  EXPECT_FALSE(result.presigned);
  EXPECT_EQ(result.payload_hash, sha256_hex("hello"));
  EXPECT_EQ(result.payload_hash.data(), wire.owned[4].second.data());
  // What chunk signatures chain under, also views into the request.
  EXPECT_EQ(result.credential_scope, "20240301/us-east-1/s3/aws4_request");
  EXPECT_EQ(result.amz_date, "20240301T120000Z");
  EXPECT_EQ(result.amz_date.data(), wire.owned[3].second.data());
}

TEST(Verifier, SaysWhichReceivedHeadersTheSignatureDoesNotCover) {
  Signer signer(kCredentials, "us-east-1", "s3");
  const AmzDate time = at("20240301T120000Z");
  Wire wire = sign_put(signer, time);
  wire.owned.emplace_back("x-amz-copy-source", "/bucket/secret");  // added after signing
  wire.finish();
  Verifier verifier(lookup_for(kCredentials));
  const auto result =
      verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time() + seconds(30));
  ASSERT_TRUE(result.ok()) << result.message;
  // Authorization (5), User-Agent (6) and the added copy source (7) are outside the signature.
  EXPECT_EQ(result.uncovered_headers, 0b1110'0000u);
  for (std::size_t i = 0; i < wire.headers.size(); ++i) {
    EXPECT_EQ(result.covers(i, wire.headers[i].name), i < 5) << wire.headers[i].name;
  }
  // Past the 64th header the declared list decides.
  EXPECT_TRUE(result.covers(70, "x-amz-meta-note"));
  EXPECT_FALSE(result.covers(70, "x-amz-copy-source"));
}

TEST(Verifier, AcceptsTheS3DocumentationRequest) {
  const std::array<Header, 5> headers{
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Range", "bytes=0-9"},
       {"x-amz-content-sha256", kEmptyPayloadHash},
       {"x-amz-date", "20130524T000000Z"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
        "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"}}};
  Verifier verifier(lookup_for(kCredentials));
  const auto result =
      verifier.verify({"GET", "/test.txt", headers, {}}, at("20130524T000500Z").time());
  EXPECT_TRUE(result.ok()) << result.message;
}

TEST(Verifier, ReportsMismatchWithTheServersCanonicalRequest) {
  Signer signer(kCredentials, "us-east-1", "s3");
  const AmzDate time = at("20240301T120000Z");
  Wire wire = sign_put(signer, time);
  wire.owned[1].second = "text/html";  // a signed header changed in flight
  wire.finish();
  Verifier verifier(lookup_for(kCredentials));
  const auto result = verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time());
  EXPECT_EQ(result.status, VerifyStatus::kSignatureMismatch);
  EXPECT_EQ(s3_error_code(result.status), "SignatureDoesNotMatch");
  EXPECT_NE(result.canonical_request.find("content-type:text/html"), std::string::npos);
  EXPECT_TRUE(result.string_to_sign.starts_with("AWS4-HMAC-SHA256\n20240301T120000Z\n"));
  EXPECT_EQ(result.message.find(kCredentials.secret_access_key), std::string::npos);

  const auto wrong_target = verifier.verify(
      {"PUT", "/bucket/a%20b?uploads=&partNumber=2", wire.headers, {}}, time.time());
  EXPECT_EQ(wrong_target.status, VerifyStatus::kSignatureMismatch);
}

TEST(Verifier, RejectsUnknownKeysSkewAndMalformedAuth) {
  Signer signer({"AKOTHER", "secret", ""}, "us-east-1", "s3");
  const AmzDate time = at("20240301T120000Z");
  Wire wire = sign_put(signer, time);
  Verifier verifier(lookup_for(kCredentials));
  EXPECT_EQ(verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time()).status,
            VerifyStatus::kUnknownAccessKey);

  Signer good(kCredentials, "us-east-1", "s3");
  wire = sign_put(good, time);
  EXPECT_EQ(verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time() + seconds(16 * 60))
                .status,
            VerifyStatus::kTimeSkewed);
  EXPECT_EQ(verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time() - seconds(16 * 60))
                .status,
            VerifyStatus::kTimeSkewed);

  for (const char* bad :
       {"AWS4-HMAC-SHA1 Credential=x",
        "AWS4-HMAC-SHA256 Credential=AK/2024/us-east-1/s3/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240301/us-east-1/s3/aws4_request"}) {
    Wire broken = wire;
    broken.owned.back() = {"User-Agent", "x"};
    broken.owned[broken.owned.size() - 2] = {"Authorization", bad};
    broken.finish();
    EXPECT_EQ(verifier.verify({"PUT", broken.target, broken.headers, {}}, time.time()).status,
              VerifyStatus::kMalformed)
        << bad;
  }
  const std::array<Header, 1> anonymous{{{"Host", "h"}}};
  EXPECT_EQ(verifier.verify({"GET", "/b/k", anonymous, {}}, time.time()).status,
            VerifyStatus::kUnsignedRequest);
}

TEST(Verifier, ChecksSessionTokenIsPartOfTheSignature) {
  Signer signer({kCredentials.access_key_id, kCredentials.secret_access_key, "TOKEN"}, "us-east-1",
                "s3");
  const AmzDate time = at("20240301T120000Z");
  Wire wire = sign_put(signer, time, "");
  Verifier verifier(lookup_for(kCredentials));
  EXPECT_TRUE(verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time()).ok());
  for (auto& [name, value] : wire.owned) {
    if (name == "X-Amz-Security-Token") value = "OTHER";
  }
  wire.finish();
  EXPECT_EQ(verifier.verify({"PUT", wire.target, wire.headers, {}}, time.time()).status,
            VerifyStatus::kSignatureMismatch);
}

TEST(Verifier, VerifiesPresignedUrlsAndTheirExpiry) {
  Signer signer({kCredentials.access_key_id, kCredentials.secret_access_key, "T/+="}, "us-east-1",
                "s3");
  const AmzDate time = at("20240301T120000Z");
  const std::array<Header, 1> headers{{{"host", "127.0.0.1:9000"}}};
  const auto& out = signer.presign(
      {"GET", "/bucket/k%2B1", "versionId=3", headers, kUnsignedPayload}, time, seconds(300));
  const std::string target = "/bucket/k%2B1?" + std::string(out.presigned_query);
  Verifier verifier(lookup_for(kCredentials));
  const ReceivedRequest request{"GET", target, headers, {}};
  const VerifyResult accepted = verifier.verify(request, time.time() + seconds(299));
  EXPECT_TRUE(accepted.ok());
  EXPECT_TRUE(accepted.presigned);
  EXPECT_EQ(accepted.payload_hash, kUnsignedPayload);
  EXPECT_TRUE(accepted.credential_scope.empty());  // decoded into the verifier's own buffer
  EXPECT_EQ(verifier.verify(request, time.time() + seconds(301)).status, VerifyStatus::kExpired);
  EXPECT_EQ(verifier.verify(request, time.time() - seconds(3600)).status,
            VerifyStatus::kTimeSkewed);
  EXPECT_EQ(verifier.verify({"PUT", target, headers, {}}, time.time()).status,
            VerifyStatus::kSignatureMismatch);
  const std::string tampered =
      "/bucket/k%2B1?versionId=4&" + target.substr(target.find("X-Amz-Algorithm"));
  EXPECT_EQ(verifier.verify({"GET", tampered, headers, {}}, time.time()).status,
            VerifyStatus::kSignatureMismatch);
}

}  // namespace
}  // namespace s3storm::sigv4
