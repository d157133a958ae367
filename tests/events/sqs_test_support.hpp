#pragma once

// For the SQS poller tests: fauxqs (a third-party SQS emulator) started on loopback through
// sqs_fauxqs_harness.mjs, and a blocking, unsigned JSON-protocol call to set up queues.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "http/connection_pool.hpp"
#include "http/message.hpp"

namespace s3storm::events::testing {

class FauxqsProcess {
 public:
  FauxqsProcess() {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    const std::string harness =
        std::string(S3STORM_SOURCE_DIR) + "/tests/events/sqs_fauxqs_harness.mjs";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], STDOUT_FILENO);
      close(pipe_fds[0]);
      close(pipe_fds[1]);
      execlp("node", "node", harness.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(pipe_fds[1]);
    std::string line;
    char c = 0;
    while (read(pipe_fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(pipe_fds[0]);
    if (!line.starts_with("READY ")) {
      stop();
      throw std::runtime_error("fauxqs did not start: '" + line + "'");
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(6)));
  }
  ~FauxqsProcess() { stop(); }
  FauxqsProcess(const FauxqsProcess&) = delete;
  FauxqsProcess& operator=(const FauxqsProcess&) = delete;

  std::uint16_t port() const { return port_; }

  // One SQS JSON-protocol call; returns the parsed answer, throws on a non-200 status.
  nlohmann::json call(std::string_view action, const nlohmann::json& body) const {
    boost::asio::io_context io;
    http::ConnectionPool pool(io, http::Endpoint{http::Scheme::kHttp, "127.0.0.1", port_}, {});
    const std::string text = body.dump();
    http::Request request;
    http::prepare_request(request, boost::beast::http::verb::post, "/",
                          "127.0.0.1:" + std::to_string(port_), text);
    request.message.set(boost::beast::http::field::content_type, "application/x-amz-json-1.0");
    request.message.set("x-amz-target", "AmazonSQS." + std::string(action));
    unsigned status = 0;
    std::string answer;
    pool.async_send(request, [&](http::Result& result) {
      status = result.outcome == http::Outcome::kOk ? result.response.status : 0;
      answer = std::move(result.response.body);
      io.stop();  // the pool keeps the connection open, so run_for would wait out its time
    });
    io.run_for(std::chrono::seconds(10));
    pool.close();
    if (status != 200) {
      throw std::runtime_error(std::string(action) + " failed: " + std::to_string(status) + " " +
                               answer);
    }
    return answer.empty() ? nlohmann::json::object() : nlohmann::json::parse(answer);
  }

  std::string create_queue(const std::string& name) const {
    return call("CreateQueue", {{"QueueName", name}})["QueueUrl"].get<std::string>();
  }

  void send(const std::string& queue_url, const std::vector<std::string>& bodies) const {
    for (std::size_t start = 0; start < bodies.size(); start += 10) {
      nlohmann::json entries = nlohmann::json::array();
      for (std::size_t i = start; i < bodies.size() && i < start + 10; ++i) {
        entries.push_back({{"Id", std::to_string(i)}, {"MessageBody", bodies[i]}});
      }
      call("SendMessageBatch", {{"QueueUrl", queue_url}, {"Entries", entries}});
    }
  }

  // Visible plus in-flight messages.
  int depth(const std::string& queue_url) const {
    const auto attributes = call(
        "GetQueueAttributes",
        {{"QueueUrl", queue_url},
         {"AttributeNames",
          {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}}})["Attributes"];
    return std::stoi(attributes["ApproximateNumberOfMessages"].get<std::string>()) +
           std::stoi(attributes["ApproximateNumberOfMessagesNotVisible"].get<std::string>());
  }

 private:
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace s3storm::events::testing
