#include <gtest/gtest.h>

#include <string>

#include "http/connection_pool.hpp"
#include "io_helpers.hpp"
#include "nginx_process.hpp"

namespace s3storm::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::NginxProcess;
using testing::run_until;

TEST(Nginx, ThousandKeepAlivePutsOverAFewConnections) {
  if (!NginxProcess::available()) GTEST_SKIP() << "nginx not installed (scripts/setup.sh)";
  NginxProcess nginx;
  const std::string payload(1024, 'p');

  boost::asio::io_context io;
  PoolOptions options;
  options.max_connections = 4;
  ConnectionPool pool(io, Endpoint{Scheme::kHttp, "127.0.0.1", nginx.port()}, options);

  // Four flows in a closed loop, each reusing its own request object.
  constexpr int kTotal = 1000;
  constexpr int kFlows = 4;
  std::vector<Request> requests(kFlows);
  int started = 0, ok = 0, finished = 0;
  std::function<void(int)> next = [&](int flow) {
    if (started == kTotal) return;
    ++started;
    pool.async_send(requests[flow], [&, flow](Result& r) {
      ++finished;
      if (r.outcome == Outcome::kOk && r.response.status == 200 && r.response.body == "ok\n") ++ok;
      next(flow);
    });
  };
  for (int f = 0; f < kFlows; ++f) {
    prepare_request(requests[f], bhttp::verb::put, "/bucket/key-" + std::to_string(f), "127.0.0.1",
                    payload);
    next(f);
  }
  ASSERT_TRUE(run_until(
      io, [&] { return finished == kTotal; }, std::chrono::seconds(30)));
  EXPECT_EQ(ok, kTotal);
  EXPECT_LE(pool.stats().connections_opened, 4u);
  EXPECT_EQ(pool.stats().reused,
            static_cast<std::uint64_t>(kTotal) - pool.stats().connections_opened);
  pool.close();
}

}  // namespace
}  // namespace s3storm::http
