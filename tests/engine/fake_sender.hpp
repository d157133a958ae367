#pragma once

// A transport for unit tests of the load side (Worker, FlowRunner, s3::Exchange and
// MultipartUpload through them): it sees each request exactly as s3::Exchange wrote it for the
// wire, answers it from a script on the caller's io_context after moving a ManualTime by the
// answer's `takes`, and never opens a socket. See docs/architecture.md, "Where to add a fake".

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/sender.hpp"
#include "util/time_source.hpp"

namespace s3storm::testing {

struct SeenRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string head;    // request line and header fields, as sent
  std::size_t body_size = 0;
  std::string body;  // kept when under 64 KiB (XML bodies); object data only counted

  // The value of a header field as Exchange wrote it, or empty.
  std::string header(std::string_view name) const {
    const std::string needle = "\r\n" + std::string(name) + ": ";
    const auto at = head.find(needle);
    if (at == std::string::npos) return {};
    const auto start = at + needle.size();
    return head.substr(start, head.find("\r\n", start) - start);
  }
};

struct FakeAnswer {
  http::Outcome outcome = http::Outcome::kOk;
  unsigned status = 200;
  std::string body{};
  std::string etag{};
  std::chrono::microseconds takes{0};  // manual time that passes before the answer arrives
  bool hold = false;                   // answered only once the sender's release_when() holds
};

class FakeSender final : public http::Sender {
 public:
  using Script = std::function<FakeAnswer(const SeenRequest&)>;

  FakeSender(boost::asio::io_context& io, ManualTime& time, Script script)
      : io_(io), time_(time), script_(std::move(script)), poll_(io) {}

  void async_send(const http::Request& request, http::Completion done) override {
    ++stats_.requests;
    seen.push_back(parse(request));
    FakeAnswer answer = script_(seen.back());
    if (closed_) return finish(done, cancelled());
    if (answer.hold) {
      held_.push_back({std::move(done), std::move(answer)});
      return poll_held();
    }
    boost::asio::post(io_, [this, done = std::move(done), answer = std::move(answer)]() mutable {
      finish(done, answer);
    });
  }

  void close() override {
    closed_ = true;
    poll_.cancel();
    auto held = std::move(held_);
    for (auto& h : held) finish(h.done, cancelled());
  }

  http::PoolStats stats() const override { return stats_; }

  // Held answers go out once this returns true (polled every millisecond of real time); after
  // 5 s they go out anyway and `gave_up` is set, so a wrong test fails instead of hanging.
  std::function<bool()> release_when = [] { return true; };
  bool gave_up = false;
  std::vector<SeenRequest> seen;

 private:
  struct Held {
    http::Completion done;
    FakeAnswer answer;
  };

  static FakeAnswer cancelled() {
    FakeAnswer answer;
    answer.outcome = http::Outcome::kCancelled;
    return answer;
  }

  static SeenRequest parse(const http::Request& request) {
    SeenRequest seen;
    seen.head = request.head;
    const auto first_space = seen.head.find(' ');
    const auto second_space = seen.head.find(' ', first_space + 1);
    seen.method = seen.head.substr(0, first_space);
    seen.target = seen.head.substr(first_space + 1, second_space - first_space - 1);
    const auto body = request.message.body();
    seen.body_size = body.size();
    if (body.size() < 64 * 1024) seen.body.assign(body.data(), body.size());
    return seen;
  }

  void poll_held() {
    if (polling_) return;
    polling_ = true;
    poll_started_ = std::chrono::steady_clock::now();
    poll_.expires_after(std::chrono::milliseconds(1));
    poll_.async_wait([this](boost::system::error_code ec) { on_poll(ec); });
  }

  void on_poll(boost::system::error_code ec) {
    if (ec) return;
    const bool late = std::chrono::steady_clock::now() - poll_started_ > std::chrono::seconds(5);
    if (!release_when() && !late) {
      poll_.expires_after(std::chrono::milliseconds(1));
      return poll_.async_wait([this](boost::system::error_code e) { on_poll(e); });
    }
    gave_up = gave_up || late;
    polling_ = false;
    auto held = std::move(held_);
    for (auto& h : held) finish(h.done, h.answer);
  }

  void finish(http::Completion& done, const FakeAnswer& answer) {
    http::Result result;
    result.timing.queued = time_.steady;
    time_.advance(answer.takes);
    result.outcome = answer.outcome;
    if (answer.outcome == http::Outcome::kOk) {
      result.response.status = answer.status;
      result.response.body = answer.body;
      result.response.body_bytes = answer.body.size();
      result.response.etag = answer.etag;
      result.timing.written = result.timing.first_byte = time_.steady;
    }
    result.timing.complete = time_.steady;
    done(result);
  }

  boost::asio::io_context& io_;
  ManualTime& time_;
  Script script_;
  boost::asio::steady_timer poll_;
  std::vector<Held> held_;
  std::chrono::steady_clock::time_point poll_started_;
  http::PoolStats stats_;
  bool polling_ = false;
  bool closed_ = false;
};

}  // namespace s3storm::testing
