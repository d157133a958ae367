// AWS's published examples of chunk-signed uploads (S3 API reference, "Signature Calculations for
// the Authorization Header: Transferring Payload in Multiple Chunks" and its trailer variant):
// 64 KiB + 1 KiB of 'a' and the empty last chunk, under the documentation's example key.

#include "sigv4/chunk_signature.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../support/aws_example_keys.hpp"
#include "sigv4/signing_key_cache.hpp"

namespace s3storm::sigv4 {
namespace {

constexpr std::string_view kExampleSecret = aws_example_keys::kS3Secret;

ChunkSigningScope example_scope() {
  const Digest key = derive_signing_key(kExampleSecret, "20130524", "us-east-1", "s3");
  return {HmacSha256Key(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())),
          "20130524T000000Z", "20130524/us-east-1/s3/aws4_request"};
}

std::string chunk(const ChunkSigner& signer, std::string_view previous, std::string_view data) {
  return std::string(signer.chunk(previous, sha256(data)).view());
}

TEST(ChunkSignature, ChainsFromTheSeedAsAwsDocuments) {
  const ChunkSigner signer(example_scope());
  const std::string first =
      chunk(signer, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
            std::string(65536, 'a'));
  EXPECT_EQ(first, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
  const std::string second = chunk(signer, first, std::string(1024, 'a'));
  EXPECT_EQ(second, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
  EXPECT_EQ(chunk(signer, second, ""),
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

TEST(ChunkSignature, TrailerVariantAndItsTrailerSignature) {
  const ChunkSigner signer(example_scope());
  const std::string first =
      chunk(signer, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
            std::string(65536, 'a'));
  EXPECT_EQ(first, "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2");
  const std::string second = chunk(signer, first, std::string(1024, 'a'));
  EXPECT_EQ(second, "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7");
  const std::string last = chunk(signer, second, "");
  EXPECT_EQ(last, "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992");
  EXPECT_EQ(signer.trailer(last, "x-amz-checksum-crc32c:sOO8/Q==\n").view(),
            "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435");
}

TEST(ChunkSignature, AnyChangeInTheChunkChangesTheSignature) {
  const ChunkSigner signer(example_scope());
  const std::string seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  std::string data(65536, 'a');
  const std::string good = chunk(signer, seed, data);
  data[100] = 'b';
  EXPECT_NE(chunk(signer, seed, data), good);
}

// The cache hands out the signer of the last secret, date and scope asked for, and makes a new
// one when any of them changes: each still signs AWS's example exactly when it is the example's.
TEST(ChunkSignerCache, OneSignerPerSecretDateAndScope) {
  ChunkSignerCache cache;
  const std::string_view seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  const std::string data(65536, 'a');
  const std::string_view first = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
  const std::string_view scope = "20130524/us-east-1/s3/aws4_request";
  const std::shared_ptr<const ChunkSigner> example =
      cache.get(kExampleSecret, "20130524T000000Z", scope);
  ASSERT_NE(example, nullptr);
  EXPECT_EQ(chunk(*example, seed, data), first);
  EXPECT_EQ(cache.get(kExampleSecret, "20130524T000000Z", scope), example);  // the same one
  for (const auto& [secret, amz_date, other_scope] :
       {std::tuple{std::string_view("other-secret"), "20130524T000000Z", scope},
        std::tuple{kExampleSecret, "20130524T000001Z", scope},
        std::tuple{kExampleSecret, "20130524T000000Z",
                   std::string_view("20130524/eu-west-1/s3/aws4_request")}}) {
    const std::shared_ptr<const ChunkSigner> signer = cache.get(secret, amz_date, other_scope);
    ASSERT_NE(signer, nullptr);
    EXPECT_NE(chunk(*signer, seed, data), first) << secret << " " << amz_date << " " << other_scope;
  }
  // One handed out earlier stays valid, and the same, after the cache moved on.
  EXPECT_EQ(chunk(*example, seed, data), first);
  // Back to the example's: signed as AWS documents again.
  EXPECT_EQ(chunk(*cache.get(kExampleSecret, "20130524T000000Z", scope), seed, data), first);
  // A region with a slash is still a region; a scope without the credential's form is none.
  EXPECT_NE(cache.get(kExampleSecret, "20130524T000000Z", "20130524/a/b/s3/aws4_request"), nullptr);
  for (const std::string_view bad :
       {"", "20130524", "20130524/aws4_request", "20130524/us-east-1/s3/aws4_reques",
        "20130524/us-east-1/aws4_request" /* no service */}) {
    EXPECT_EQ(cache.get(kExampleSecret, "20130524T000000Z", bad), nullptr) << bad;
  }
}

}  // namespace
}  // namespace s3storm::sigv4
