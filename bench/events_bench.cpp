// Events: what parsing and matching cost per event, and (with --serve-webhook) a webhook with
// matching on, for an external load generator such as wrk.
//
//   events_bench                                  Google Benchmark runs
//   events_bench --serve-webhook PORT KEYS [SENDERS]
//       a receiver on one thread with KEYS expectations for each wrk thread id 0..SENDERS-1
//       ("obj-<id>-<n>", n from 1); SIGINT prints what was delivered and matched
//   events_bench --window ITERATIONS
//       the matcher alone over three dedup windows of ITERATIONS iterations each (a PUT of a fresh
//       key and its DELETE, every check on, as bench/soak.sh does): the heap it holds per event
//       of a window at the end, and its CPU per event

#include <benchmark/benchmark.h>
#include <fmt/core.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/resource.h>

#include <csignal>
#include <cstring>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "events/matcher.hpp"
#include "events/notification_parser.hpp"
#include "events/webhook_receiver.hpp"
#include "util/iso_time.hpp"

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

// One key overwritten again and again, each PUT answered before the next is sent, its event
// matched at once: the order check's cost once the key's history is full (64 operations). With
// one body for every PUT (argument 1) all the events are interchangeable, and each delivery hands
// them out again by sequencer; with a body of its own per PUT (0) none are.
void BM_HotKeyOverwrites(benchmark::State& state) {
  const bool one_body = state.range(0) != 0;
  std::vector<std::string> etags(4096);
  for (std::size_t i = 0; i < etags.size(); ++i) etags[i] = fmt::format("{:032x}", i + 1);
  Matcher matcher;
  EventRecord record;
  record.kind = EventKind::kObjectCreatedPut;
  record.name = "ObjectCreated:Put";
  record.bucket = "test-bucket";
  record.key = "hot";
  record.size = 64;
  auto now = Clock::now();
  std::uint64_t n = 0;
  for (auto _ : state) {
    ++n;
    const std::string& etag = etags[one_body ? 0 : n % etags.size()];
    const auto started = now;
    now += std::chrono::milliseconds(1);
    matcher.expect(record.bucket, record.key, record.kind, now, started, {64, etag, {}});
    record.etag = etag;
    record.sequencer.clear();
    fmt::format_to(std::back_inserter(record.sequencer), "{:016X}", n);
    matcher.observe(record, now);
  }
  state.SetItemsProcessed(state.iterations());
  if (matcher.summarize().total_missing() != 0) state.SkipWithError("events went missing");
}
BENCHMARK(BM_HotKeyOverwrites)->Arg(0)->Arg(1);

int serve_webhook(std::uint16_t port, std::int64_t keys_per_sender, int senders) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  // Every check on: each expectation has its operation's span and content (the size and eTag of
  // bench/events_webhook.lua's body), so every event is held to them and its sequencer goes into
  // the order history. The body's eventTime is a fixed day in 2025: a skew of ten years lets it
  // pass, so the check runs and the events count as delivered, not mismatched.
  Matcher matcher(KeyForm::kAuto, std::chrono::hours(24 * 3650));
  const auto now = Clock::now();
  const ExpectedContent content{4096, "b72a05983f663132daaf4688bb919f80", {}};
  for (int sender = 0; sender < senders; ++sender) {
    for (std::int64_t n = 1; n <= keys_per_sender; ++n) {
      matcher.expect("test-bucket", key_for(sender, n), EventKind::kObjectCreatedPut, now,
                     now - std::chrono::milliseconds(1), content);
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
  std::uint64_t mismatched = 0;
  for (const auto& type : summary.types) mismatched += type.mismatched;
  fmt::print(
      "deliveries {} records {} delivered {} duplicate {} unexpected {} mismatched {} rejects {}\n",
      counters.deliveries, counters.records, summary.total_delivered(), summary.total_duplicate(),
      summary.total_unexpected(), mismatched, rejects);
  return 0;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// What bench/soak.sh's run holds, without its HTTP: each iteration PUTs a fresh key and deletes it,
// 20,000 iterations per simulated second, every event with a sequencer, size, eTag and eventTime,
// expected with its operation's span and content, so every check runs. After three windows the
// matcher holds one window (and up to a quarter more): its heap over that window's events is the
// bytes per event held.
int window_bytes(std::int64_t iterations_per_window) {
  constexpr std::int64_t kRate = 20'000;  // iterations per simulated second
  constexpr std::string_view kEtag = "b72a05983f663132daaf4688bb919f80";
  const auto window = std::chrono::milliseconds(iterations_per_window * 1000 / kRate);
  const auto t0 = Clock::now();
  const auto wall0 = std::chrono::system_clock::now();
  const std::size_t heap_before = mallinfo2().uordblks;
  const double cpu_before = cpu_seconds();
  {
    Matcher matcher(KeyForm::kAuto, kDefaultClockSkew, window);
    EventRecord put;
    put.kind = EventKind::kObjectCreatedPut;
    put.name = "ObjectCreated:Put";
    put.bucket = "soak";
    put.size = 16;
    put.etag = kEtag;
    EventRecord removal = put;
    removal.kind = EventKind::kObjectRemovedDelete;
    removal.name = "ObjectRemoved:Delete";
    removal.etag.clear();
    removal.size = 0;
    const ExpectedContent written{16, kEtag, {}};
    const std::int64_t iterations = 3 * iterations_per_window;
    for (std::int64_t i = 0; i < iterations; ++i) {
      const auto at = std::chrono::microseconds(i * 1'000'000 / kRate);
      const auto started = t0 + at;
      const auto stamp = [&](EventRecord& r, std::int64_t sequence, std::chrono::microseconds in) {
        r.key.clear();
        fmt::format_to(std::back_inserter(r.key), "k/{}", i);
        r.sequencer.clear();
        fmt::format_to(std::back_inserter(r.sequencer), "{:018X}", sequence);
        r.event_time = s3storm::format_iso8601(wall0 + at + in);
      };
      stamp(put, 2 * i + 1, std::chrono::microseconds(10));
      matcher.expect("soak", put.key, put.kind, started + std::chrono::microseconds(20), started,
                     written);
      matcher.observe(put, started + std::chrono::microseconds(500));
      stamp(removal, 2 * i + 2, std::chrono::microseconds(30));
      matcher.expect("soak", removal.key, removal.kind, started + std::chrono::microseconds(40),
                     started + std::chrono::microseconds(25));
      matcher.observe(removal, started + std::chrono::microseconds(600));
    }
    const std::size_t held_heap = mallinfo2().uordblks - heap_before;
    const double cpu = cpu_seconds() - cpu_before;
    const auto summary = matcher.summarize();
    std::uint64_t mismatched = 0;
    std::uint64_t out_of_order = 0;
    for (const auto& type : summary.types) {
      mismatched += type.mismatched;
      out_of_order += type.out_of_order;
    }
    const std::int64_t events = 2 * iterations;
    const std::int64_t window_events = 2 * iterations_per_window;
    fmt::print(
        "events {} delivered {} mismatched {} out_of_order {} missing {}\n"
        "window {} ms: {} events; held {} identities, {} keys with an order history\n"
        "heap held {} bytes: {:.1f} bytes per event of a window\n"
        "cpu {:.3f} s: {:.0f} ns per event (building the records included)\n",
        events, summary.total_delivered(), mismatched, out_of_order, summary.total_missing(),
        window.count(), window_events, matcher.remembered_identities(), matcher.ordered_keys(),
        held_heap, static_cast<double>(held_heap) / static_cast<double>(window_events), cpu,
        cpu * 1e9 / static_cast<double>(events));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--window") == 0) {
    return window_bytes(std::stoll(argv[2]));
  }
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
