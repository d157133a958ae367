// The embedded target's request path in-process, without sockets: how many signed requests
// per second one core can verify, store and answer (the ceiling `endpoint: embedded` puts on a
// run). Run: build/<dir>/bench/target_bench

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/server.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "target/authenticator.hpp"
#include "target/embedded_target.hpp"
#include "target/event_dispatcher.hpp"
#include "target/event_router.hpp"
#include "target/fault_spec.hpp"
#include "target/key_map.hpp"
#include "target/object_store.hpp"
#include "target/s3_handler.hpp"

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
                                     std::string body) {
    sigv4::Signer signer(
        {std::string(target::kDefaultAccessKey), std::string(target::kDefaultSecretKey), {}},
        "us-east-1", "s3");
    const std::string host = "127.0.0.1:9000";
    const std::string hash = sigv4::sha256_hex(body);
    std::vector<sigv4::Header> headers{{"host", host}};
    const auto& out = signer.sign({method, path, "", headers, hash},
                                  sigv4::AmzDate::from_time(std::chrono::system_clock::now()));
    http::ServerRequest request;
    request.method = method;
    request.target = path;
    request.headers = {{"Host", host},
                       {"x-amz-date", std::string(out.amz_date)},
                       {"x-amz-content-sha256", std::string(out.content_sha256)},
                       {"Authorization", std::string(out.authorization)}};
    request.body = std::move(body);
    request.remote_address = "127.0.0.1";
    return request;
  }

  target::ObjectStore store;
  target::Authenticator auth;
  target::FaultInjector faults;
  target::EventDispatcher dispatcher;
  target::EventRouter router;
  target::S3Handler handler;
};

void run(benchmark::State& state, Fixture& fixture, const http::ServerRequest& request,
         unsigned expected_status) {
  for (auto _ : state) {
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
