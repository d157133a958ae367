#include "engine/blocking_client.hpp"

#include "http/client_call.hpp"

namespace s3storm::engine {

BlockingClient::BlockingClient(const s3::SessionConfig& config,
                               const http::PoolOptions& pool_options,
                               std::shared_ptr<boost::asio::ssl::context> tls,
                               const s3::Payload& payload)
    : pool_(io_, config.endpoint, pool_options, std::move(tls)),
      session_(io_, pool_, config, payload, /*seed=*/1),
      exchange_(session_) {}

BlockingClient::~BlockingClient() {
  pool_.close();
  io_.restart();
  io_.poll();  // let the closed connections' handlers run before their io_context goes
}

const s3::Reply& BlockingClient::send(const s3::RequestSpec& spec) {
  bool done = false;
  exchange_.start(spec, [this, &done](s3::Reply& reply) {
    reply_ = reply;
    done = true;
  });
  wait(done);
  return reply_;
}

void BlockingClient::wait(const bool& done) {
  http::run_until_done(io_, done);
}

}  // namespace s3storm::engine
