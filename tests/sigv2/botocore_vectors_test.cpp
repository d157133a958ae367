// Requests signed by botocore's own SigV2 signers (HmacV1Auth, HmacV1QueryAuth, HmacV1PostAuth;
// data/make_botocore_vectors.py): odd keys, virtual-hosted and path-style, sub-resources mixed
// with other parameters, Content-MD5/Content-Type and x-amz-* headers. Each must verify, with
// botocore's string to sign, and be refused under another secret.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sigv2/verifier.hpp"

namespace s3storm::sigv2 {
namespace {

using Clock = std::chrono::system_clock;

nlohmann::json load_vectors() {
  std::ifstream in(std::string(S3STORM_TEST_DATA_DIR) + "/botocore_v2_vectors.json");
  return nlohmann::json::parse(in);
}

TEST(Sigv2BotocoreVectors, EveryBotocoreSignedRequestVerifiesAndNoneUnderAnotherSecret) {
  const nlohmann::json vectors = load_vectors();
  const std::string access_key = vectors["access_key"];
  const std::string secret = vectors["secret"];
  const std::string wrong_secret = secret + "x";
  const Verifier verifier(
      [&](std::string_view key) -> const std::string* {
        return key == access_key ? &secret : nullptr;
      },
      std::chrono::minutes(15));
  const Verifier wrong(
      [&](std::string_view key) -> const std::string* {
        return key == access_key ? &wrong_secret : nullptr;
      },
      std::chrono::minutes(15));
  const auto now = Clock::time_point(std::chrono::seconds(vectors["now"].get<long long>()));

  std::size_t requests = 0, policies = 0;
  for (const auto& vector : vectors["cases"]) {
    SCOPED_TRACE(vector.dump());
    const std::string kind = vector["kind"];
    if (kind == "post") {
      const std::string policy = vector["policy"], key = vector["access_key"],
                        signature = vector["signature"];
      EXPECT_EQ(verifier.verify_policy(policy, key, signature).status, Status::kOk);
      EXPECT_EQ(wrong.verify_policy(policy, key, signature).status, Status::kSignatureMismatch);
      ++policies;
      continue;
    }
    const std::string method = vector["method"], target = vector["target"],
                      virtual_bucket = vector["virtual_bucket"];
    std::vector<std::pair<std::string, std::string>> owned;
    for (const auto& header : vector["headers"]) owned.emplace_back(header[0], header[1]);
    std::vector<sigv4::Header> headers;
    for (const auto& [name, value] : owned) headers.push_back({name, value});
    const Request request{method, target, headers, virtual_bucket};
    EXPECT_EQ(
        detect(kind == "header" ? owned.back().second : "", target.substr(target.find('?') + 1)),
        kind == "header" ? Scheme::kHeader : Scheme::kQuery);

    const Result result = verifier.verify(request, now);
    EXPECT_EQ(result.status, Status::kOk) << result.message;
    const Result refused = wrong.verify(request, now);
    EXPECT_EQ(refused.status, Status::kSignatureMismatch);
    EXPECT_EQ(refused.string_to_sign, vector["string_to_sign"].get<std::string>());
    ++requests;
  }
  EXPECT_EQ(requests, 300u);
  EXPECT_EQ(policies, 20u);
}

}  // namespace
}  // namespace s3storm::sigv2
