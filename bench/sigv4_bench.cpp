// SigV4 micro-benchmarks: one signature of a typical PUT (six headers, cached signing key,
// payload hash given), the server's verification of the PUT s3storm sends (the embedded target's
// hot path), one aws-chunked chunk signature (both sides sign or check each chunk so) and SHA-256
// payload hashing throughput. Compare the hashing numbers with
// `openssl speed -evp sha256 -bytes 16384 -seconds 3`.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <string>

#include "../tests/support/aws_example_keys.hpp"
#include "sigv4/chunk_signature.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"
#include "sigv4/verifier.hpp"
#include "util/hex.hpp"

namespace {

using namespace s3storm::sigv4;
namespace aws_example_keys = s3storm::aws_example_keys;

void BM_SignTypicalPut(benchmark::State& state) {
  Signer signer({aws_example_keys::kS3AccessKey, aws_example_keys::kS3Secret, ""}, "us-east-1",
                "s3");
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
  Signer signer({aws_example_keys::kS3AccessKey, aws_example_keys::kS3Secret, ""}, "us-east-1",
                "s3");
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
  const Credentials credentials{aws_example_keys::kS3AccessKey, aws_example_keys::kS3Secret, ""};
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

// One chunk's signature from a warm cache (the signer made for the second, as a run's requests
// and the target's find it), its data already hashed: the HMAC of the string to sign's variable
// part, the head absorbed once. range(0) 1: the same HMAC over the whole 269-byte string to sign
// built per chunk, as it was computed before, for comparison.
void BM_ChunkSignature(benchmark::State& state) {
  ChunkSignerCache cache;
  const std::string_view scope = "20261204/us-east-1/s3/aws4_request";
  const Digest data = sha256(std::string(1024, 'x'));
  ChunkSignature previous{};
  previous.hex.fill('a');
  if (state.range(0) == 0) {
    for (auto _ : state) {
      const ChunkSigner& signer = *cache.get("secret", "20261204T000000Z", scope);
      previous = signer.chunk(previous.view(), data);
      benchmark::DoNotOptimize(previous);
    }
    return;
  }
  SigningKeyCache keys;
  std::string string_to_sign;
  for (auto _ : state) {
    const HmacSha256Key& key = keys.get("secret", "20261204", "us-east-1", "s3");
    string_to_sign.assign("AWS4-HMAC-SHA256-PAYLOAD\n20261204T000000Z\n");
    string_to_sign.append(scope).append("\n").append(previous.view()).append("\n");
    string_to_sign.append("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
    s3storm::hex::append(string_to_sign, data);
    std::string signature;
    s3storm::hex::append(signature, key.mac(string_to_sign));
    std::copy(signature.begin(), signature.end(), previous.hex.begin());
    benchmark::DoNotOptimize(previous);
  }
}
BENCHMARK(BM_ChunkSignature)->Arg(0)->Arg(1);

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
