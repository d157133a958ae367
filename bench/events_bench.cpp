// Events: what parsing and matching cost per event, and (with --serve-webhook) a webhook with
// matching on, for an external load generator such as wrk.
//
//   events_bench                                  Google Benchmark runs
//   events_bench --serve-webhook PORT KEYS [SENDERS]
//       a receiver on one thread with KEYS expectations for each wrk thread id 0..SENDERS-1
//       ("obj-<id>-<n>", n from 1); SIGINT prints what was delivered and matched

#include <benchmark/benchmark.h>
#include <fmt/core.h>
#include <pthread.h>

#include <csignal>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "events/matcher.hpp"
#include "events/notification_parser.hpp"
#include "events/webhook_receiver.hpp"

namespace {

using namespace s3storm::events;

std::string key_for(int sender, std::int64_t n) {
  return fmt::format("obj-{}-{}", sender, n);
}

// The shape AWS sends, one record, about 700 bytes.
std::string aws_body(const std::string& key) {
  return fmt::format(
      R"({{"Records":[{{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",)"
      R"("eventTime":"2025-11-07T09:41:23.870Z","eventName":"ObjectCreated:Put",)"
      R"("userIdentity":{{"principalId":"AWS:AIDAEXAMPLE"}},"requestParameters":{{"sourceIPAddress":"127.0.0.1"}},)"
      R"("responseElements":{{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"}},)"
      R"("s3":{{"s3SchemaVersion":"1.0","configurationId":"s3storm","bucket":{{"name":"test-bucket",)"
      R"("ownerIdentity":{{"principalId":"A3NL1KOZZKExample"}},"arn":"arn:aws:s3:::test-bucket"}},)"
      R"("object":{{"key":"{}","size":4096,"eTag":"b72a05983f663132daaf4688bb919f80",)"
      R"("sequencer":"0055AED6DCD90281E5"}}}}}}]}})",
      key);
}

void BM_Parse(benchmark::State& state) {
  const std::string body = aws_body("dir/obj-0-12345");
  for (auto _ : state) benchmark::DoNotOptimize(parse_notification(body));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Parse);

// Parse a delivery and match its record against an outstanding expectation: the receiver's
// whole per-event cost apart from HTTP.
void BM_ParseAndMatch(benchmark::State& state) {
  constexpr int kKeys = 1 << 16;
  std::vector<std::string> keys;
  std::vector<std::string> bodies;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(key_for(0, i));
    bodies.push_back(aws_body(keys.back()));
  }
  Matcher matcher;
  const auto expect_all = [&] {
    const auto now = Clock::now();
    for (const auto& key : keys)
      matcher.expect("test-bucket", key, EventKind::kObjectCreatedPut, now);
  };
  expect_all();
  int next = 0;
  for (auto _ : state) {
    const auto notification = parse_notification(bodies[next]);
    matcher.observe(notification.records[0], Clock::now());
    if (++next == kKeys) {
      state.PauseTiming();
      expect_all();
      next = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (matcher.summarize().total_unexpected() != 0) state.SkipWithError("events went unmatched");
}
BENCHMARK(BM_ParseAndMatch);

// expect() then observe() for fresh keys, from 1..N threads at once: the matcher's lock under
// contention (workers and receivers share one matcher).
void BM_ExpectObserveContended(benchmark::State& state) {
  static Matcher* matcher = nullptr;
  if (state.thread_index() == 0) matcher = new Matcher();
  std::vector<EventRecord> records(4096);
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].kind = EventKind::kObjectCreatedPut;
    records[i].name = "ObjectCreated:Put";
    records[i].bucket = "test-bucket";
  }
  std::int64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto& record = records[static_cast<std::size_t>(n) % records.size()];
    record.key = key_for(state.thread_index(), n++);
    state.ResumeTiming();
    const auto now = Clock::now();
    matcher->expect(record.bucket, record.key, record.kind, now);
    matcher->observe(record, now);
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete matcher;
    matcher = nullptr;
  }
}
BENCHMARK(BM_ExpectObserveContended)->Threads(1)->Threads(2)->UseRealTime();

int serve_webhook(std::uint16_t port, std::int64_t keys_per_sender, int senders) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  Matcher matcher;
  const auto now = Clock::now();
  for (int sender = 0; sender < senders; ++sender) {
    for (std::int64_t n = 1; n <= keys_per_sender; ++n) {
      matcher.expect("test-bucket", key_for(sender, n), EventKind::kObjectCreatedPut, now);
    }
  }
  WebhookOptions options;
  options.listen = fmt::format("127.0.0.1:{}", port);
  options.threads = 1;
  WebhookReceiver receiver(options, matching_sink(matcher), confirm_by_fetching);
  receiver.start();
  fmt::print(stderr, "events_bench: webhook on 127.0.0.1:{}, {} expectations\n", receiver.port(),
             senders * keys_per_sender);

  int signal = 0;
  sigwait(&stop, &signal);
  receiver.stop();
  const auto summary = matcher.summarize();
  const auto counters = receiver.counters();
  std::uint64_t rejects = 0;
  for (const auto& [status, n] : counters.rejects) rejects += n;
  fmt::print("deliveries {} records {} delivered {} duplicate {} unexpected {} rejects {}\n",
             counters.deliveries, counters.records, summary.total_delivered(),
             summary.total_duplicate(), summary.total_unexpected(), rejects);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--serve-webhook") == 0) {
    const auto port = static_cast<std::uint16_t>(argc >= 3 ? std::stoi(argv[2]) : 9900);
    const std::int64_t keys = argc >= 4 ? std::stoll(argv[3]) : 1'000'000;
    const int senders = argc >= 5 ? std::stoi(argv[4]) : 1;
    return serve_webhook(port, keys, senders);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
