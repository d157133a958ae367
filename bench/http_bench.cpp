// Client throughput on loopback: keep-alive PUTs (1 KiB body views) from one ConnectionPool on one
// thread, against nginx (the ceiling any generator sees here) and against our own http::Server.
// Also counts heap allocations per request, to keep the steady-state request path honest.
// BM_ServerRequestCycle: the server's own work on one signed PUT without sockets or event loop
// (parse into the connection's reused request, the lookups and answer headers of the embedded
// target, the response header as written).

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "../tests/http/nginx_process.hpp"
#include "http/connection_pool.hpp"
#include "http/server.hpp"
#include "http/server_request_parser.hpp"
#include "http/server_response_header.hpp"

namespace {

std::atomic<std::uint64_t> g_allocations{0};

}  // namespace

// GCC flags malloc/free inside replaced new/delete once they are inlined; the pairing is correct.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
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
#pragma GCC diagnostic pop

namespace {

using namespace s3storm::http;
namespace bhttp = boost::beast::http;

// Sends `total` PUTs through `flows` closed-loop flows; returns how many succeeded.
int run_closed_loop(boost::asio::io_context& io, ConnectionPool& pool,
                    std::vector<Request>& requests, int total) {
  int started = 0, finished = 0, ok = 0;
  std::function<void(std::size_t)> next = [&](std::size_t flow) {
    if (started == total) return;
    ++started;
    pool.async_send(requests[flow], [&, flow](Result& r) {
      ++finished;
      if (r.outcome == Outcome::kOk && r.response.status == 200) ++ok;
      next(flow);
    });
  };
  for (std::size_t f = 0; f < requests.size(); ++f) next(f);
  io.restart();
  while (finished < total) io.run_one();
  return ok;
}

void put_benchmark(benchmark::State& state, std::uint16_t port) {
  const auto flows = static_cast<std::size_t>(state.range(0));
  static const std::string payload(1024, 'p');
  boost::asio::io_context io;
  PoolOptions options;
  options.max_connections = flows;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", port}, options);
  std::vector<Request> requests(flows);
  for (std::size_t f = 0; f < flows; ++f) {
    prepare_request(requests[f], bhttp::verb::put, "/bucket/key-" + std::to_string(f), "127.0.0.1",
                    payload);
    requests[f].message.set("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  }
  run_closed_loop(io, pool, requests, static_cast<int>(flows) * 10);  // warm the connections

  constexpr int kBatch = 1000;
  std::uint64_t failed = 0;
  const auto allocations_before = g_allocations.load();
  for (auto _ : state) failed += kBatch - run_closed_loop(io, pool, requests, kBatch);
  const auto requests_sent = static_cast<double>(state.iterations()) * kBatch;
  state.SetItemsProcessed(static_cast<std::int64_t>(requests_sent));
  state.counters["allocs_per_req"] =
      static_cast<double>(g_allocations.load() - allocations_before) / requests_sent;
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["connections"] = static_cast<double>(pool.stats().connections_opened);
  pool.close();
}

void BM_PutToNginx(benchmark::State& state) {
  static s3storm::http::testing::NginxProcess nginx;
  put_benchmark(state, nginx.port());
}
BENCHMARK(BM_PutToNginx)->Arg(1)->Arg(16)->Arg(64)->UseRealTime();

void BM_PutToOwnServer(benchmark::State& state) {
  static Server server(ServerOptions{},
                       [](const ServerRequest&, ServerResponse& res) { res.body = "ok"; });
  static bool started = (server.start(), true);
  (void)started;
  put_benchmark(state, server.port());
}
BENCHMARK(BM_PutToOwnServer)->Arg(1)->Arg(16)->Arg(64)->UseRealTime();

// A PUT as `s3storm run` sends it (field names and order of src/s3/exchange.cpp).
std::string signed_put() {
  const std::string body(1024, 'b');
  return "PUT /bench/bench/0-12345 HTTP/1.1\r\n"
         "Host: 127.0.0.1:9000\r\n"
         "Content-Length: 1024\r\n"
         "x-amz-date: 20260101T000000Z\r\n"
         "x-amz-content-sha256: " +
         std::string(64, 'a') +
         "\r\n"
         "Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/s3/aws4_request, "
         "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" +
         std::string(64, 'f') + "\r\n\r\n" + body;
}

void BM_ServerRequestCycle(benchmark::State& state) {
  const std::string wire = signed_put();
  ServerRequest request;
  ServerResponse response;
  std::string header;
  std::size_t bytes = 0;
  const auto cycle = [&] {
    ServerRequestParser parser(request);
    parser.eager(true);
    boost::beast::error_code ec;
    bytes += parser.put(boost::asio::buffer(wire), ec);
    // The embedded target's lookups of a PUT: two absent, three present (one in another case).
    bytes += request.header("host").size() + request.header("authorization").size() +
             request.header("x-amz-content-sha256").size() +
             request.header("x-amz-copy-source").size() +
             request.header("x-amz-metadata-directive").size();
    response.clear();
    response.set_header("ETag", "\"0123456789abcdef0123456789abcdef\"");
    response.set_header("x-amz-request-id", "0000000000012345");
    response.set_header("x-amz-id-2", "0000000000012345");
    response.set_header("Server", "s3storm");
    serialize_response_header(response, ResponseFraming{}, header);
    bytes += header.size();
  };
  cycle();  // the connection's strings get their capacity once
  const auto allocations_before = g_allocations.load();
  for (auto _ : state) cycle();
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs_per_req"] =
      static_cast<double>(g_allocations.load() - allocations_before) /
      static_cast<double>(state.iterations());
}
BENCHMARK(BM_ServerRequestCycle);

}  // namespace
