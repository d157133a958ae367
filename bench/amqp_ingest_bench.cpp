// Issue 15: AMQP ingest with matching on. Reads --count S3 event messages (keys k/0..k/N-1 in
// bucket "ingest", as bench/amqp_ingest.py publishes them) from a queue already full, through
// the real AmqpConsumer into a Matcher preloaded with one expectation per key, and prints the
// events/s from start() until nothing is missing, and the CPU per event.
//
//   amqp_ingest_bench URL QUEUE EXCHANGE COUNT

#include <fmt/core.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "events/amqp_consumer.hpp"
#include "events/matcher.hpp"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace s3storm::events;
  if (argc != 5) {
    fmt::print(stderr, "usage: amqp_ingest_bench URL QUEUE EXCHANGE COUNT\n");
    return 2;
  }
  const std::uint64_t count = std::strtoull(argv[4], nullptr, 10);
  Matcher matcher;
  const auto now = Clock::now();
  for (std::uint64_t i = 0; i < count; ++i) {
    matcher.expect("ingest", fmt::format("k/{}", i), EventKind::kObjectCreatedPut, now);
  }
  AmqpOptions options;
  options.url = argv[1];
  options.queue = argv[2];
  options.exchange = argv[3];
  options.routing_key = "ingest";
  AmqpConsumer consumer(options, matching_sink(matcher));
  const double cpu_before = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  consumer.start();
  const auto deadline = start + std::chrono::seconds(60);
  while (matcher.missing_so_far() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_before;
  consumer.stop();
  const std::uint64_t matched = count - matcher.missing_so_far();
  fmt::print("s3storm  {} events matched in {:.3f} s: {:.0f} events/s, {:.1f} us CPU per event\n",
             matched, seconds, static_cast<double>(matched) / seconds,
             cpu * 1e6 / static_cast<double>(matched ? matched : 1));
  return matched == count ? 0 : 1;
}
