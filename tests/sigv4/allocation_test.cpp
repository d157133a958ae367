// The hot path promise: once warmed up, Signer::sign allocates nothing in our code (OpenSSL's own
// allocations go through malloc, not operator new, and are not counted here).

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "sigv4/signer.hpp"

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

}  // namespace
}  // namespace s3storm::sigv4
