// The embedded target's request path in-process, without sockets: how many signed requests
// per second one core can verify, store and answer (the ceiling `endpoint: embedded` puts on a
// run). Run: build/<dir>/bench/target_bench

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/server.hpp"
#include "sigv4/chunk_signature.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "target/authenticator.hpp"
#include "target/embedded_target.hpp"
#include "target/event_dispatcher.hpp"
#include "target/event_router.hpp"
#include "target/fault_spec.hpp"
#include "target/key_map.hpp"
#include "target/object_store.hpp"
#include "target/s3_handler.hpp"
#include "util/crc.hpp"

namespace {

using namespace s3storm;

struct Fixture {
  explicit Fixture(bool with_events)
      : auth(target::AuthOptions{
            {{std::string(target::kDefaultAccessKey), std::string(target::kDefaultSecretKey)}},
            std::chrono::seconds(900),
            {}}),
        faults(target::FaultPlan{}, 1),
        dispatcher(target::DispatcherOptions{"", [](std::string) {}}),
        router(store, dispatcher, faults, /*emit_unconfigured=*/with_events, "us-east-1"),
        handler(store, auth, router, faults, target::HandlerOptions{}) {
    store.create_bucket("bench");
    dispatcher.start();
  }

  http::ServerRequest signed_request(const std::string& method, const std::string& path,
                                     std::string body,
                                     std::vector<sigv4::Header> extra_headers = {},
                                     std::string payload_hash = {}) {
    sigv4::Signer signer(
        {std::string(target::kDefaultAccessKey), std::string(target::kDefaultSecretKey), {}},
        "us-east-1", "s3");
    const std::string host = "127.0.0.1:9000";
    const std::string hash = payload_hash.empty() ? sigv4::sha256_hex(body) : payload_hash;
    std::vector<sigv4::Header> headers{{"host", host}};
    headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
    const auto& out = signer.sign({method, path, "", headers, hash},
                                  sigv4::AmzDate::from_time(std::chrono::system_clock::now()));
    http::ServerRequest request;
    request.method = method;
    request.target = path;
    request.headers = {{"Host", host},
                       {"x-amz-date", std::string(out.amz_date)},
                       {"x-amz-content-sha256", std::string(out.content_sha256)},
                       {"Authorization", std::string(out.authorization)}};
    for (const auto& [name, value] : extra_headers) {
      request.headers.emplace_back(std::string(name), std::string(value));
    }
    request.body = std::move(body);
    request.remote_address = "127.0.0.1";
    return request;
  }

  // A PUT of `size` bytes in aws-chunked framing with signed 64 KiB chunks, as minio-go and the
  // Java SDK send (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
  http::ServerRequest chunked_put(const std::string& path, std::size_t size) {
    const std::string data(size, 'x');
    auto request =
        signed_request("PUT", path, "", {{"x-amz-decoded-content-length", std::to_string(size)}},
                       std::string(sigv4::kStreamingSignedPayload));
    const std::string_view authorization = request.header("authorization");
    std::string previous(authorization.substr(authorization.find("Signature=") + 10));
    const std::string amz_date(request.header("x-amz-date"));
    const sigv4::Digest key = sigv4::derive_signing_key(target::kDefaultSecretKey,
                                                        amz_date.substr(0, 8), "us-east-1", "s3");
    const sigv4::ChunkSigner signer(
        {sigv4::HmacSha256Key(std::string_view(reinterpret_cast<const char*>(key.data()), 32)),
         amz_date, amz_date.substr(0, 8) + "/us-east-1/s3/aws4_request"});
    constexpr std::size_t kChunk = 64 * 1024;
    for (std::size_t at = 0;; at += kChunk) {
      const std::string_view chunk =
          at < size ? std::string_view(data).substr(at, kChunk) : std::string_view();
      previous = signer.chunk(previous, sigv4::sha256(chunk)).view();
      request.body += fmt::format("{:x};chunk-signature={}\r\n", chunk.size(), previous);
      if (chunk.empty()) break;
      request.body.append(chunk).append("\r\n");
    }
    request.body += "\r\n";
    request.headers.emplace_back("Content-Encoding", "aws-chunked");
    return request;
  }

  target::ObjectStore store;
  target::Authenticator auth;
  target::FaultInjector faults;
  target::EventDispatcher dispatcher;
  target::EventRouter router;
  target::S3Handler handler;
};

// The handler may change the request (it decodes an aws-chunked body in place): a request whose
// body it changed is restored before the next iteration. The copy is timed (PauseTiming costs
// more than copying a small body), so it counts against the chunked upload: a conservative bias.
void run(benchmark::State& state, Fixture& fixture, const http::ServerRequest& original,
         unsigned expected_status) {
  http::ServerRequest request = original;
  for (auto _ : state) {
    if (request.body.size() != original.body.size()) request.body.assign(original.body);
    http::ServerResponse response;
    fixture.handler.handle(request, response);
    if (response.status != expected_status) {
      state.SkipWithError(("unexpected status " + std::to_string(response.status)).c_str());
      break;
    }
    benchmark::DoNotOptimize(response.body.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SignedPut(benchmark::State& state) {
  Fixture fixture(/*with_events=*/false);
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto request = fixture.signed_request("PUT", "/bench/key", std::string(size, 'x'));
  run(state, fixture, request, 200);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_SignedPut)->Arg(0)->Arg(4096)->Arg(1 << 20);

// The same sizes in aws-chunked framing (64 KiB signed chunks): issue #13's bar is >= 0.9x the
// plain signed PUT's throughput.
void BM_ChunkedSignedPut(benchmark::State& state) {
  Fixture fixture(/*with_events=*/false);
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto request = fixture.chunked_put("/bench/key", size);
  run(state, fixture, request, 200);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_ChunkedSignedPut)->Arg(4096)->Arg(1 << 20);

// A signed 1 MiB PUT with an x-amz-checksum-* header the target verifies (range(0): 0 CRC32,
// 1 CRC32C, 2 CRC64NVME, 3 SHA256); the bar is <= 10% over BM_SignedPut/1048576.
void BM_SignedPutWithChecksum(benchmark::State& state) {
  Fixture fixture(/*with_events=*/false);
  const auto algorithm = static_cast<ChecksumAlgorithm>(
      std::array{0, 1, 2, 4}[static_cast<std::size_t>(state.range(0))]);
  std::string body(1 << 20, 'x');
  const std::string value = target::checksum_base64(algorithm, body);
  const auto request =
      fixture.signed_request("PUT", "/bench/key", std::move(body),
                             {{std::string(target::checksum_header(algorithm)), value}});
  state.SetLabel(std::string(target::checksum_name(algorithm)));
  run(state, fixture, request, 200);
  state.SetBytesProcessed(state.iterations() * (1 << 20));
}
BENCHMARK(BM_SignedPutWithChecksum)->DenseRange(0, 3);

// The CRC implementations on 1 MiB: ISA-L's CRC32 against zlib's (why ISA-L), CRC32C (ISA-L),
// CRC64/NVME (ours: folding, and the slice-by-8 table it falls back to).
template <std::uint64_t (*Crc)(std::string_view)>
void BM_Crc(benchmark::State& state) {
  const std::string data(1 << 20, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(Crc(data));
  state.SetBytesProcessed(state.iterations() * (1 << 20));
}
std::uint64_t isal_crc32(std::string_view data) {
  return crc::crc32(data);
}
std::uint64_t zlib_crc32(std::string_view data) {
  return ::crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
}
std::uint64_t isal_crc32c(std::string_view data) {
  return crc::crc32c(data);
}
std::uint64_t own_crc64nvme(std::string_view data) {
  return crc::crc64nvme(data);  // PCLMULQDQ folding where the CPU has it
}
std::uint64_t table_crc64nvme(std::string_view data) {
  return crc::detail::crc64nvme_table(0, data.data(), data.size());
}
BENCHMARK_TEMPLATE(BM_Crc, isal_crc32);
BENCHMARK_TEMPLATE(BM_Crc, zlib_crc32);
BENCHMARK_TEMPLATE(BM_Crc, isal_crc32c);
BENCHMARK_TEMPLATE(BM_Crc, own_crc64nvme);
BENCHMARK_TEMPLATE(BM_Crc, table_crc64nvme);

void BM_SignedPutWithEvent(benchmark::State& state) {
  Fixture fixture(/*with_events=*/true);
  const auto request = fixture.signed_request("PUT", "/bench/key", std::string(4096, 'x'));
  run(state, fixture, request, 200);
  fixture.dispatcher.stop();
}
BENCHMARK(BM_SignedPutWithEvent);

void BM_SignedGet(benchmark::State& state) {
  Fixture fixture(/*with_events=*/false);
  fixture.store.put_object("bench", "key", std::string(4096, 'x'), "", {});
  const auto request = fixture.signed_request("GET", "/bench/key", "");
  run(state, fixture, request, 200);
}
BENCHMARK(BM_SignedGet);

// A PUT-heavy run adds a new key per request: the cost of that insertion once the index has grown
// past the caches (range(0) keys per iteration batch), for the KeyMap the store uses and for the
// std::unordered_map it replaced. Keys look like the benchmark scenario's "bench/<worker>-<seq>".
std::vector<std::string> fresh_keys(std::size_t count) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    keys.push_back("bench/" + std::to_string(i % 64) + "-" + std::to_string(i));
  }
  return keys;
}

target::ObjectInfo stored_object() {
  target::ObjectInfo object;
  object.size = 1024;
  object.etag = "0123456789abcdef0123456789abcdef";
  return object;
}

template <typename Map>
void insert_fresh_keys(benchmark::State& state) {
  const auto keys = fresh_keys(static_cast<std::size_t>(state.range(0)));
  const auto object = stored_object();
  for (auto _ : state) {
    Map map;
    for (const auto& key : keys) map.insert_or_assign(key, object);
    benchmark::DoNotOptimize(map.size());
    state.PauseTiming();  // freeing the map is not part of inserting
    { Map released = std::move(map); }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(keys.size()));
}
BENCHMARK_TEMPLATE(insert_fresh_keys, target::KeyMap<target::ObjectInfo>)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(insert_fresh_keys, std::unordered_map<std::string, target::ObjectInfo>)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond);

// The longest single insertion while a map fills from empty to range(0) keys, past its growth
// at 2^21 keys: how long the request whose key makes the index grow holds the store.
template <typename Map>
void longest_insert(benchmark::State& state) {
  const auto keys = fresh_keys(static_cast<std::size_t>(state.range(0)));
  const auto object = stored_object();
  std::chrono::steady_clock::duration longest{};
  for (auto _ : state) {
    Map map;
    for (const auto& key : keys) {
      const auto start = std::chrono::steady_clock::now();
      map.insert_or_assign(key, object);
      longest = std::max(longest, std::chrono::steady_clock::now() - start);
    }
    state.PauseTiming();
    { Map released = std::move(map); }
    state.ResumeTiming();
  }
  state.counters["longest_insert_ms"] = std::chrono::duration<double, std::milli>(longest).count();
}
BENCHMARK_TEMPLATE(longest_insert, target::KeyMap<target::ObjectInfo>)
    ->Arg((1 << 21) + 1000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(longest_insert, std::unordered_map<std::string, target::ObjectInfo>)
    ->Arg((1 << 21) + 1000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
