#include "metrics/metrics_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "util/usage_error.hpp"

namespace s3storm::metrics {
namespace {

// One HTTP/1.0-style exchange over a plain socket: the raw response text.
std::string fetch(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    response.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return response;
}

TEST(MetricsServer, ServesTheRenderedTextAtSlashMetricsOnly) {
  std::atomic<int> renders{0};
  MetricsServer server("127.0.0.1:0", false, [&] {
    ++renders;
    return std::string("# TYPE s3storm_in_flight gauge\ns3storm_in_flight 3\n");
  });
  server.start();
  ASSERT_NE(server.port(), 0);
  const auto ok =
      fetch(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(ok.starts_with("HTTP/1.1 200")) << ok;
  EXPECT_NE(ok.find("text/plain; version=0.0.4"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\r\n\r\n# TYPE s3storm_in_flight gauge\ns3storm_in_flight 3\n"),
            std::string::npos);
  EXPECT_EQ(renders.load(), 1);
  const auto missing =
      fetch(server.port(), "GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(missing.starts_with("HTTP/1.1 404")) << missing;
  const auto post =
      fetch(server.port(),
            "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(post.starts_with("HTTP/1.1 405")) << post;
  EXPECT_EQ(renders.load(), 1);
  server.stop();
}

TEST(MetricsServer, LoopbackOnlyUnlessAllowed) {
  EXPECT_THROW(MetricsServer("0.0.0.0:0", false, [] { return std::string(); }), UsageError);
  EXPECT_THROW(MetricsServer("nonsense", false, [] { return std::string(); }), UsageError);
  EXPECT_NO_THROW(MetricsServer("0.0.0.0:0", true, [] { return std::string(); }));
}

TEST(MetricsServer, APortInUseIsAUsageError) {
  MetricsServer first("127.0.0.1:0", false, [] { return std::string(); });
  first.start();
  MetricsServer second("127.0.0.1:" + std::to_string(first.port()), false,
                       [] { return std::string(); });
  EXPECT_THROW(second.start(), UsageError);
}

}  // namespace
}  // namespace s3storm::metrics
