// The hot path promise: once warmed up, Signer::sign and Verifier::verify allocate nothing in our
// code (OpenSSL's own allocations go through malloc, not operator new, and are not counted here).

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "../support/aws_example_keys.hpp"
#include "sigv4/chunk_signature.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/verifier.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace s3storm::sigv4 {
namespace {

TEST(SignerAllocation, WarmSignerAllocatesNothingPerRequest) {
  Signer signer({"AK", "SK", "TOKEN"}, "us-east-1", "s3");
  const std::array<Header, 6> headers{{{"Host", "127.0.0.1:9000"},
                                       {"Content-Type", "application/octet-stream"},
                                       {"Content-Length", "4096"},
                                       {"x-amz-meta-run", "  storm   42 "},
                                       {"x-amz-meta-run", "dup"},
                                       {"Cache-Control", "no-cache"}}};
  const AmzDate time = AmzDate::parse("20240301T120000Z").value();
  const RequestToSign request{"PUT", "/bucket/key%20one", "partNumber=1&uploadId=abc", headers,
                              kEmptyPayloadHash};
  signer.sign(request, time);  // warm-up: buffers grow to size, key derived
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) signer.sign(request, time);
  EXPECT_EQ(g_allocations.load() - before, 0);
}

// The embedded target's path: header auth, secret looked up by reference. The only allocation
// left is the result's access key id, and only when it is longer than a short string's 15 chars.
TEST(VerifierAllocation, WarmVerifierAllocatesNothingPerRequest) {
  const Credentials credentials{"AKSHORTKEY", aws_example_keys::kS3Secret, ""};
  Signer signer(credentials, "us-east-1", "s3");
  const AmzDate time = AmzDate::parse("20240301T120000Z").value();
  const std::array<Header, 2> to_sign{{{"host", "127.0.0.1:9000"}, {"x-amz-meta-a", "1"}}};
  const SigningResult& out = signer.sign({"PUT", "/b/k", "", to_sign, kEmptyPayloadHash}, time);
  const std::string amz_date(out.amz_date);
  const std::string authorization(out.authorization);
  const std::array<Header, 6> received{{{"Host", "127.0.0.1:9000"},
                                        {"Content-Length", "0"},
                                        {"X-Amz-Meta-A", "1"},
                                        {"x-amz-date", amz_date},
                                        {"x-amz-content-sha256", kEmptyPayloadHash},
                                        {"Authorization", authorization}}};
  Verifier verifier([&credentials](std::string_view key) -> const std::string* {
    return key == credentials.access_key_id ? &credentials.secret_access_key : nullptr;
  });
  ASSERT_TRUE(verifier.verify({"PUT", "/b/k", received, {}}, time.time()).ok());  // warm-up
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    const VerifyResult result = verifier.verify({"PUT", "/b/k", received, {}}, time.time());
    ASSERT_TRUE(result.ok()) << result.message;
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

// aws-chunked uploads: both sides sign each chunk through a ChunkSigner taken from a cache
// (Signer::chunk_signer, the target's ChunkSignerCache per thread); once it is made for the
// second, a request's chunk and trailer signatures allocate nothing.
TEST(ChunkSignerAllocation, WarmChunkSigningAllocatesNothing) {
  Signer signer({"AK", aws_example_keys::kS3Secret, ""}, "us-east-1", "s3");
  ChunkSignerCache cache;
  const AmzDate time = AmzDate::parse("20240301T120000Z").value();
  const std::string_view seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  const Digest data = sha256("chunk");
  const auto sign_chunks = [&] {
    const ChunkSigner& client = signer.chunk_signer(time);
    const std::shared_ptr<const ChunkSigner> server = cache.get(
        aws_example_keys::kS3Secret, "20240301T120000Z", "20240301/us-east-1/s3/aws4_request");
    const ChunkSignature first = client.chunk(seed, data);
    const ChunkSignature last = client.chunk(first.view(), data);
    EXPECT_EQ(server->chunk(first.view(), data).view(), last.view());
    EXPECT_EQ(server->trailer(last.view(), "x-amz-checksum-crc32:AAAAAA==\n").view(),
              client.trailer(last.view(), "x-amz-checksum-crc32:AAAAAA==\n").view());
  };
  sign_chunks();  // warm-up: keys derived, heads absorbed
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) sign_chunks();
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace s3storm::sigv4
