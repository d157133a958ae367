// SigV4 micro-benchmarks: one signature of a typical PUT (six headers, cached signing key,
// payload hash given), the server's verification of the PUT s3storm sends (the embedded target's
// hot path) and SHA-256 payload hashing throughput. Compare the hashing numbers with
// `openssl speed -evp sha256 -bytes 16384 -seconds 3`.

#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"
#include "sigv4/verifier.hpp"

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

// The headers of a PUT as `s3storm run` sends it, in its order and spelling; what the server
// gets (HTTP parsing aside) on every request of bench/embedded.sh.
void BM_VerifyTypicalPut(benchmark::State& state) {
  const Credentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                ""};
  Signer signer(credentials, "us-east-1", "s3");
  const std::string target = "/bench/obj-0-123456";
  const std::string payload_hash = sha256_hex(std::string(1024, 'x'));
  const AmzDate time = AmzDate::parse("20240301T120000Z").value();
  const std::array<Header, 1> to_sign{{{"host", "127.0.0.1:9000"}}};
  const SigningResult& signed_put = signer.sign({"PUT", target, "", to_sign, payload_hash}, time);
  const std::string amz_date(signed_put.amz_date);
  const std::string authorization(signed_put.authorization);
  const std::array<Header, 5> received{{{"Host", "127.0.0.1:9000"},
                                        {"Content-Length", "1024"},
                                        {"x-amz-date", amz_date},
                                        {"x-amz-content-sha256", payload_hash},
                                        {"Authorization", authorization}}};
  Verifier verifier([&credentials](std::string_view key) -> const std::string* {
    return key == credentials.access_key_id ? &credentials.secret_access_key : nullptr;
  });
  for (auto _ : state) {
    const VerifyResult result = verifier.verify({"PUT", target, received, {}}, time.time());
    if (!result.ok()) state.SkipWithError(result.message.c_str());
    benchmark::DoNotOptimize(result.status);
  }
}
BENCHMARK(BM_VerifyTypicalPut);

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
