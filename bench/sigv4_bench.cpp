// SigV4 micro-benchmarks: one signature of a typical PUT (six headers, cached signing key,
// payload hash given) and SHA-256 payload hashing throughput. Compare the hashing numbers with
// `openssl speed -evp sha256 -bytes 16384 -seconds 3`.

#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"

namespace {

using namespace s3storm::sigv4;

void BM_SignTypicalPut(benchmark::State& state) {
  Signer signer({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""},
                "us-east-1", "s3");
  std::string path = "/test-bucket/";
  append_s3_key_path(path, "obj-3-1048576");
  const std::array<Header, 6> headers{{{"Host", "127.0.0.1:9000"},
                                       {"Content-Type", "application/octet-stream"},
                                       {"Content-Length", "4096"},
                                       {"x-amz-meta-run", "storm-42"},
                                       {"x-amz-storage-class", "STANDARD"},
                                       {"Cache-Control", "no-cache"}}};
  const std::string payload_hash = sha256_hex(std::string(4096, 'x'));
  const AmzDate time = AmzDate::parse("20240301T120000Z").value();
  for (auto _ : state) {
    const SigningResult& out = signer.sign({"PUT", path, "", headers, payload_hash}, time);
    benchmark::DoNotOptimize(out.authorization.data());
  }
  state.counters["key_derivations"] = static_cast<double>(signer.key_derivations());
}
BENCHMARK(BM_SignTypicalPut);

void BM_PresignGet(benchmark::State& state) {
  Signer signer({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""},
                "us-east-1", "s3");
  const std::array<Header, 1> headers{{{"host", "127.0.0.1:9000"}}};
  const AmzDate time = AmzDate::parse("20240301T120000Z").value();
  for (auto _ : state) {
    const SigningResult& out =
        signer.presign({"GET", "/test-bucket/obj", "", headers, kUnsignedPayload}, time,
                       std::chrono::seconds(3600));
    benchmark::DoNotOptimize(out.presigned_query.data());
  }
}
BENCHMARK(BM_PresignGet);

void BM_Sha256Payload(benchmark::State& state) {
  const std::string block(static_cast<std::size_t>(state.range(0)), 'x');
  Sha256 hash;
  for (auto _ : state) {
    hash.update(block);
    benchmark::DoNotOptimize(hash.finish());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256Payload)->Arg(16 * 1024)->Arg(1024 * 1024);

}  // namespace
