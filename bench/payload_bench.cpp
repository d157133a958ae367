// What the payload modes cost the load generator per request (issue 17 item 7): the CRCs of
// util/crc on the sizes a run sends (a 1 KiB PUT, a 64 KiB chunk, a 1 MiB body), each checksum a
// step may send, and the aws-chunked framing of a body in each mode (chunk signatures included).
// Also the pieces of a signed multipart part of random content (issue 17's bulk bar): the fill,
// the SHA-256, and the two together, whole or a cache-sized piece at a time.
//   build/release/bench/payload_bench --benchmark_min_time=0.3

#include <benchmark/benchmark.h>

#include <string>

#include "s3/aws_chunked_body.hpp"
#include "s3/checksum.hpp"
#include "s3/content.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "util/crc.hpp"

namespace s3storm {
namespace {

std::string bytes(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>(i * 131 + 17);
  return data;
}

void BM_Crc32c(benchmark::State& state) {
  const std::string data = bytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc::crc32c(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32c)->Arg(1024)->Arg(64 * 1024)->Arg(1 << 20);

void BM_Crc32(benchmark::State& state) {
  const std::string data = bytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc::crc32(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32)->Arg(1024)->Arg(64 * 1024)->Arg(1 << 20);

// range(0): the algorithm (0 CRC32, 1 CRC32C, 2 CRC64NVME, 3 SHA1, 4 SHA256), range(1) the size;
// the base64 value a header or trailer carries.
void BM_ChecksumValue(benchmark::State& state) {
  const auto algorithm = static_cast<ChecksumAlgorithm>(state.range(0));
  const std::string data = bytes(static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(s3::checksum_base64(algorithm, data));
  state.SetBytesProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_ChecksumValue)->ArgsProduct({{0, 1, 2, 3, 4}, {1024, 1 << 20}});

// range(0): the mode (1 signed chunks, 2 signed + CRC32C trailer, 3 unsigned + CRC32C trailer),
// range(1) the body size; 64 KiB chunks.
void BM_EncodeChunked(benchmark::State& state) {
  const auto mode = static_cast<s3::ChunkedMode>(state.range(0));
  const std::string data = bytes(static_cast<std::size_t>(state.range(1)));
  const sigv4::Digest key = sigv4::derive_signing_key("secret", "20261204", "us-east-1", "s3");
  const sigv4::ChunkSigner signer({sigv4::HmacSha256Key(std::string_view(
                                       reinterpret_cast<const char*>(key.data()), key.size())),
                                   "20261204T000000Z", "20261204/us-east-1/s3/aws4_request"});
  const std::string seed(64, 'a');
  const s3::ChunkedFraming framing{
      mode, 64 * 1024,
      mode == s3::ChunkedMode::kSigned ? std::nullopt : std::optional(ChecksumAlgorithm::kCrc32c)};
  std::string out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s3::encode_aws_chunked(out, data, framing, &signer, seed));
  }
  state.SetBytesProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_EncodeChunked)->ArgsProduct({{1, 2, 3}, {1024, 1 << 20}});

void BM_FillRandom(benchmark::State& state) {
  std::string out(static_cast<std::size_t>(state.range(0)), '\0');
  for (auto _ : state) {
    s3::fill_random_content(0x1234, 8, std::span<char>(out.data(), out.size()));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FillRandom)->Arg(64 * 1024)->Arg(8 << 20);

void BM_Sha256Bytes(benchmark::State& state) {
  const std::string data = bytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sigv4::sha256(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256Bytes)->Arg(64 * 1024)->Arg(8 << 20);

// An 8 MiB part filled, then hashed: state.range(0) bytes at a time (8 MiB: all, then all).
void BM_FillThenHashPart(benchmark::State& state) {
  const std::size_t part = 8 << 20;
  const auto piece = static_cast<std::size_t>(state.range(0));
  std::string out(part, '\0');
  for (auto _ : state) {
    sigv4::Sha256 hash;
    for (std::size_t at = 0; at < part; at += piece) {
      s3::fill_random_content(0x1234, at, std::span<char>(out.data() + at, piece));
      hash.update(out.data() + at, piece);
    }
    benchmark::DoNotOptimize(hash.finish());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(part));
}
BENCHMARK(BM_FillThenHashPart)->Arg(16 * 1024)->Arg(64 * 1024)->Arg(256 * 1024)->Arg(8 << 20);

}  // namespace
}  // namespace s3storm
