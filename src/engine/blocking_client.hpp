#pragma once

// One S3 request at a time, waited for: for setup (buckets, notification configuration) and
// cleanup, which happen outside the measured phases and read better as straight-line code.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "http/connection_pool.hpp"
#include "s3/exchange.hpp"
#include "s3/payload.hpp"
#include "s3/session.hpp"

namespace s3storm::engine {

class BlockingClient {
 public:
  BlockingClient(const s3::SessionConfig& config, const http::PoolOptions& pool_options,
                 std::shared_ptr<boost::asio::ssl::context> tls, const s3::Payload& payload);
  ~BlockingClient();

  // The reply stays valid until the next call.
  const s3::Reply& send(const s3::RequestSpec& spec);

  // For operations of several requests (a multipart upload): start them on session(), then
  // wait() until `done` turns true.
  s3::Session& session() { return session_; }
  void wait(const bool& done);

 private:
  boost::asio::io_context io_{1};
  http::ConnectionPool pool_;
  s3::Session session_;
  s3::Exchange exchange_;
  s3::Reply reply_;
};

}  // namespace s3storm::engine
