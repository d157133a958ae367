#pragma once

// `--metrics HOST:PORT`: serves GET /metrics (the Prometheus text format) while a run goes on.
// Loopback only unless the caller allows otherwise: the numbers describe the load and the target.
// A scrape renders from snapshots on the server's own thread; the workers never wait for it.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace s3storm::http {
class Server;
}

namespace s3storm::metrics {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;

  // Throws UsageError for an address that is not HOST:PORT, or not loopback without allow_remote.
  MetricsServer(std::string_view address, bool allow_remote, Render render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void start();  // throws UsageError when the address cannot be bound
  void stop();
  std::uint16_t port() const;

 private:
  Render render_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace s3storm::metrics
