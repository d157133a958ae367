#include "metrics/metrics_server.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "events/listen_address.hpp"
#include "http/server.hpp"
#include "util/usage_error.hpp"

namespace s3storm::metrics {

MetricsServer::MetricsServer(std::string_view address, bool allow_remote, Render render)
    : render_(std::move(render)) {
  const auto listen = events::parse_listen_address(address, "--metrics");
  if (!listen.is_loopback() && !allow_remote) {
    throw UsageError(fmt::format(
        "--metrics {}: not a loopback address; add --metrics-remote to serve the run's numbers "
        "beyond this machine",
        address));
  }
  http::ServerOptions options;
  options.address = listen.host;
  options.port = listen.port;
  options.body_limit = 4096;  // a scrape has no body
  server_ = std::make_unique<http::Server>(
      options, [this](const http::ServerRequest& request, http::ServerResponse& response) {
        const std::string_view target = request.target;
        const std::string_view path = target.substr(0, target.find('?'));
        if (path != "/metrics") {
          response.status = 404;
          response.set_header("Content-Type", "text/plain; charset=utf-8");
          response.body = "only /metrics is served here\n";
          return;
        }
        if (request.method != "GET" && request.method != "HEAD") {
          response.status = 405;
          response.set_header("Allow", "GET, HEAD");
          return;
        }
        response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        if (request.method == "GET") response.body = render_();
      });
}

MetricsServer::~MetricsServer() {
  stop();
}

void MetricsServer::start() {
  try {
    server_->start();
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("--metrics: {}", e.what()));
  }
}

void MetricsServer::stop() {
  if (server_) server_->stop();
}

std::uint16_t MetricsServer::port() const {
  return server_->port();
}

}  // namespace s3storm::metrics
