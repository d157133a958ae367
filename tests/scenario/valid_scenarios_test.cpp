// Valid scenarios, checked field by field against the model the engine consumes.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "scenario/loader.hpp"
#include "scenario/plan.hpp"

namespace s3storm::scenario {
namespace {

using namespace std::chrono_literals;

LoadOptions options_with_env(std::map<std::string, std::string> env,
                             std::vector<std::string> overrides = {}) {
  LoadOptions o;
  o.overrides = std::move(overrides);
  o.env = [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  o.default_seed = 99;
  return o;
}

constexpr const char* kFull = R"(
description: every section
target:
  endpoint: ${ENDPOINT:-http://127.0.0.1:9000}
  region: eu-west-1
  addressing: virtual
  credentials: {access_key: AKID, secret_key: SECRET, session_token: TOKEN}
  payload: unsigned
  tls: {verify: false, ca_file: /tmp/ca.pem}
  retries: 5
  connect_timeout: 2s
  request_timeout: 1500ms
  idle_timeout: 1m
  bucket: default-bucket
setup:
  buckets: [default-bucket, other-bucket]
  notifications:
    - id: created
      bucket: default-bucket
      events: ["s3:ObjectCreated:*"]
      queue: arn:aws:sqs:eu-west-1:000000000000:events
      filter: {prefix: "in/", suffix: ".bin"}
    - bucket: other-bucket
      events: ["s3:ObjectRemoved:Delete"]
      webhook: true
  topics:
    - {name: t1, persistent: true}
    - {name: t2, push_endpoint: "http://127.0.0.1:8080/hook"}
  cleanup: true
events:
  source: sqs
  listen: "[::1]:9901"
  grace: 2500ms
  auth_token: tok
  sqs: {queue_url: "http://127.0.0.1:9324/000000000000/events", pollers: 3, wait: 5s}
  sns_confirm: false
  max_body: 2MiB
phases:
  - name: walk
    iterations: 3
    bucket: other-bucket
    think: 10ms
    flow:
      - put: {key: "a b/ü-{iter}", size: 29, content_type: text/plain, metadata: {k1: v1}, storage_class: STANDARD_IA}
      - copy: {from: last, key: "c-{iter}", from_bucket: default-bucket}
      - delete: {key: last}
      - post: {key: "p-{iter}", size: 4KiB}
      - multipart: {key: "m-{iter}", size: 6MiB, part_size: 5MiB, parallel_parts: 2, abort: true}
      - get: {key: "p-{iter}"}
      - head: {key: "p-{iter}"}
      - list: {prefix: "p-", max_keys: 10}
  - name: storm
    duration: 30s
    iterations: 100000
    concurrency: 64
    rate: 30000/m
    ramp: [{to: 1000/s, over: 10s}, {to: 200/s, over: 5s}]
    mix:
      - {weight: 3, put: {key: "{hash:4}/{worker}-{seq}", size: {lognormal: {median: 4KiB, max: 1MiB}}}}
      - {weight: 1, delete: {key: last}}
      - {weight: 0.5, put: {bucket: default-bucket, key: "u-{uuid}", size: {uniform: {min: 1, max: 100}}}}
      - {put: {key: "ch-{rand:6}", size: {choice: [{size: 1KiB, weight: 2}, {size: 1MiB}]}}}
thresholds:
  - put.p99 < 50ms
  - errors.rate < 0.1%
  - ops.put.rate >= 500/s
  - events.missing == 0
  - events.delivery.p999 <= 2s
  - phase.storm.dropped != 3
  - {expr: "multipart.p99 > 1.5s", abort_on_fail: true, delay: 10s}
report: {json: out/r.json, html: out/r.html, junit: out/j.xml}
seed: 18446744073709551615
)";

TEST(ValidScenario, EverySectionParsesFieldByField) {
  const Scenario s = load_scenario_text(kFull, "full.yaml", options_with_env({}));
  EXPECT_EQ(s.source_name, "full.yaml");
  const Target& t = s.target;
  EXPECT_EQ(t.endpoint, "http://127.0.0.1:9000");
  EXPECT_FALSE(t.is_embedded());
  EXPECT_EQ(t.scheme, "http");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, 9000);
  EXPECT_EQ(t.region, "eu-west-1");
  EXPECT_EQ(t.addressing, Addressing::kVirtualHost);
  EXPECT_FALSE(t.credentials.from_env);
  EXPECT_EQ(t.credentials.access_key, "AKID");
  EXPECT_EQ(t.credentials.secret_key, "SECRET");
  EXPECT_EQ(t.credentials.session_token, "TOKEN");
  EXPECT_EQ(t.payload, Payload::kUnsignedPayload);
  EXPECT_FALSE(t.tls.verify);
  EXPECT_EQ(t.tls.ca_file, "/tmp/ca.pem");
  EXPECT_EQ(t.retries, 5);
  EXPECT_EQ(t.connect_timeout, 2s);
  EXPECT_EQ(t.request_timeout, 1500ms);
  EXPECT_EQ(t.idle_timeout, 60s);
  EXPECT_EQ(t.bucket, "default-bucket");

  ASSERT_EQ(s.setup.buckets, (std::vector<std::string>{"default-bucket", "other-bucket"}));
  ASSERT_EQ(s.setup.notifications.size(), 2u);
  const Notification& n0 = s.setup.notifications[0];
  EXPECT_EQ(n0.id, "created");
  EXPECT_EQ(n0.bucket, "default-bucket");
  EXPECT_EQ(n0.events, std::vector<std::string>{"s3:ObjectCreated:*"});
  EXPECT_EQ(n0.kind, DestinationKind::kQueue);
  EXPECT_EQ(n0.arn, "arn:aws:sqs:eu-west-1:000000000000:events");
  EXPECT_EQ(n0.prefix, "in/");
  EXPECT_EQ(n0.suffix, ".bin");
  const Notification& n1 = s.setup.notifications[1];
  EXPECT_EQ(n1.id, "s3storm-2");
  EXPECT_EQ(n1.kind, DestinationKind::kWebhook);
  EXPECT_TRUE(n1.arn.empty());
  ASSERT_EQ(s.setup.topics.size(), 2u);
  EXPECT_EQ(s.setup.topics[0].name, "t1");
  EXPECT_TRUE(s.setup.topics[0].persistent);
  EXPECT_TRUE(s.setup.topics[0].push_endpoint.empty());
  EXPECT_EQ(s.setup.topics[1].push_endpoint, "http://127.0.0.1:8080/hook");
  EXPECT_FALSE(s.setup.topics[1].persistent);
  EXPECT_TRUE(s.setup.cleanup);

  EXPECT_EQ(s.events.source, EventSource::kSqs);
  EXPECT_EQ(s.events.listen_host, "::1");
  EXPECT_EQ(s.events.listen_port, 9901);
  EXPECT_EQ(s.events.grace, 2500ms);
  EXPECT_EQ(s.events.auth_token, "tok");
  EXPECT_EQ(s.events.sqs.queue_url, "http://127.0.0.1:9324/000000000000/events");
  EXPECT_EQ(s.events.sqs.pollers, 3);
  EXPECT_EQ(s.events.sqs.wait, 5s);
  EXPECT_FALSE(s.events.sns_confirm);
  EXPECT_EQ(s.events.max_body, 2u * 1024 * 1024);

  ASSERT_EQ(s.phases.size(), 2u);
  const Phase& walk = s.phases[0];
  EXPECT_EQ(walk.name, "walk");
  EXPECT_FALSE(walk.is_mix);
  EXPECT_EQ(walk.iterations, 3u);
  EXPECT_FALSE(walk.duration);
  EXPECT_EQ(walk.concurrency, 1);
  EXPECT_FALSE(walk.rate_per_second);
  EXPECT_EQ(walk.think, 10ms);
  EXPECT_EQ(walk.bucket, "other-bucket");
  ASSERT_EQ(walk.flow.size(), 8u);
  const Step& put = walk.flow[0];
  EXPECT_EQ(put.op, OpKind::kPut);
  EXPECT_EQ(put.bucket, "other-bucket");
  EXPECT_EQ(put.key.key.source(), "a b/ü-{iter}");
  EXPECT_EQ(put.size.kind(), SizeSpec::Kind::kFixed);
  EXPECT_EQ(put.size.max(), 29u);
  EXPECT_EQ(put.content_type, "text/plain");
  EXPECT_EQ(put.metadata, (std::map<std::string, std::string>{{"k1", "v1"}}));
  EXPECT_EQ(put.storage_class, "STANDARD_IA");
  const Step& copy = walk.flow[1];
  EXPECT_EQ(copy.op, OpKind::kCopy);
  EXPECT_TRUE(copy.from.last);
  EXPECT_EQ(copy.from_bucket, "default-bucket");
  EXPECT_EQ(copy.key.key.source(), "c-{iter}");
  EXPECT_EQ(walk.flow[2].op, OpKind::kDelete);
  EXPECT_TRUE(walk.flow[2].key.last);
  EXPECT_EQ(walk.flow[3].op, OpKind::kPost);
  EXPECT_EQ(walk.flow[3].size.max(), 4096u);
  const Step& mp = walk.flow[4];
  EXPECT_EQ(mp.op, OpKind::kMultipart);
  EXPECT_EQ(mp.size.max(), 6u << 20);
  EXPECT_EQ(mp.part_size, 5u << 20);
  EXPECT_EQ(mp.parallel_parts, 2);
  EXPECT_TRUE(mp.abort);
  EXPECT_FALSE(mp.writes_key());
  EXPECT_EQ(walk.flow[5].op, OpKind::kGet);
  EXPECT_EQ(walk.flow[6].op, OpKind::kHead);
  EXPECT_EQ(walk.flow[7].op, OpKind::kList);
  EXPECT_EQ(walk.flow[7].key.key.source(), "p-");
  EXPECT_EQ(walk.flow[7].max_keys, 10);

  const Phase& storm = s.phases[1];
  EXPECT_TRUE(storm.is_mix);
  EXPECT_EQ(storm.duration, 30s);
  EXPECT_EQ(storm.iterations, 100000u);
  EXPECT_EQ(storm.concurrency, 64);
  ASSERT_TRUE(storm.rate_per_second);
  EXPECT_DOUBLE_EQ(*storm.rate_per_second, 500.0);
  ASSERT_EQ(storm.ramp.size(), 2u);
  EXPECT_DOUBLE_EQ(storm.ramp[0].to_per_second, 1000.0);
  EXPECT_EQ(storm.ramp[0].over, 10s);
  EXPECT_DOUBLE_EQ(storm.ramp[1].to_per_second, 200.0);
  ASSERT_EQ(storm.mix.size(), 4u);
  EXPECT_DOUBLE_EQ(storm.mix[0].weight, 3);
  EXPECT_EQ(storm.mix[0].step.bucket, "default-bucket");  // phase has no bucket: target's
  EXPECT_EQ(storm.mix[0].step.size.kind(), SizeSpec::Kind::kLognormal);
  EXPECT_EQ(storm.mix[0].step.size.max(), 1u << 20);
  EXPECT_DOUBLE_EQ(storm.mix[1].weight, 1);
  EXPECT_DOUBLE_EQ(storm.mix[2].weight, 0.5);
  EXPECT_EQ(storm.mix[2].step.size.kind(), SizeSpec::Kind::kUniform);
  EXPECT_EQ(storm.mix[2].step.size.min(), 1u);
  EXPECT_EQ(storm.mix[2].step.size.max(), 100u);
  EXPECT_DOUBLE_EQ(storm.mix[3].weight, 1);  // default weight
  ASSERT_EQ(storm.mix[3].step.size.choices().size(), 2u);
  EXPECT_DOUBLE_EQ(storm.mix[3].step.size.choices()[1].weight, 1);

  ASSERT_EQ(s.thresholds.size(), 7u);
  EXPECT_EQ(s.thresholds[0].metric, (std::vector<std::string>{"put", "p99"}));
  EXPECT_EQ(s.thresholds[0].comparator, Comparator::kLt);
  EXPECT_DOUBLE_EQ(s.thresholds[0].value, 0.05);
  EXPECT_EQ(s.thresholds[0].unit, ValueUnit::kDurationSeconds);
  EXPECT_DOUBLE_EQ(s.thresholds[1].value, 0.001);
  EXPECT_EQ(s.thresholds[1].unit, ValueUnit::kNumber);
  EXPECT_EQ(s.thresholds[2].metric, (std::vector<std::string>{"ops", "put", "rate"}));
  EXPECT_EQ(s.thresholds[2].comparator, Comparator::kGe);
  EXPECT_EQ(s.thresholds[2].unit, ValueUnit::kPerSecond);
  EXPECT_DOUBLE_EQ(s.thresholds[2].value, 500);
  EXPECT_EQ(s.thresholds[3].comparator, Comparator::kEq);
  EXPECT_EQ(s.thresholds[4].comparator, Comparator::kLe);
  EXPECT_DOUBLE_EQ(s.thresholds[4].value, 2);
  EXPECT_EQ(s.thresholds[5].comparator, Comparator::kNe);
  EXPECT_EQ(s.thresholds[5].metric, (std::vector<std::string>{"phase", "storm", "dropped"}));
  EXPECT_EQ(s.thresholds[6].comparator, Comparator::kGt);
  EXPECT_TRUE(s.thresholds[6].abort_on_fail);
  EXPECT_EQ(s.thresholds[6].delay, 10s);
  EXPECT_DOUBLE_EQ(s.thresholds[6].value, 1.5);
  EXPECT_EQ(s.thresholds[6].expression, "multipart.p99 > 1.5s");

  EXPECT_EQ(s.report.json, "out/r.json");
  EXPECT_EQ(s.report.html, "out/r.html");
  EXPECT_EQ(s.report.junit, "out/j.xml");
  EXPECT_TRUE(s.seed_given);
  EXPECT_EQ(s.seed, 18446744073709551615ull);
}

constexpr const char* kMinimal = R"(
target: {bucket: "${BUCKET:-fallback-bucket}"}
phases:
  - name: p
    duration: ${DURATION:-5s}
    concurrency: ${CONC}
    mix:
      - {weight: 1, head: {key: "k"}}
)";

TEST(ValidScenario, WithGroupsPhasesThatStartTogether) {
  const char* text =
      "target: {endpoint: embedded, bucket: b-1}\nphases:\n"
      "  - {name: warm, iterations: 1, flow: [{head: {key: k}}]}\n"
      "  - {name: writers, iterations: 1, flow: [{head: {key: k}}]}\n"
      "  - {name: readers, with: writers, iterations: 1, flow: [{head: {key: k}}]}\n"
      "  - {name: listers, with: readers, iterations: 1, flow: [{head: {key: k}}]}\n"
      "  - {name: deleters, with: writers, iterations: 1, flow: [{head: {key: k}}]}\n"
      "  - {name: after, iterations: 1, flow: [{head: {key: k}}]}\n";
  const auto s = load_scenario_text(text, "s.yaml", options_with_env({}));
  EXPECT_EQ(s.phases[2].with, "writers");
  EXPECT_EQ(s.phases[1].with, "");
  const std::vector<std::vector<std::size_t>> expected = {{0}, {1, 2, 3, 4}, {5}};
  EXPECT_EQ(phase_groups(s.phases), expected);
  EXPECT_NE(format_plan(s).find("starts with 'writers'"), std::string::npos);
}

TEST(ValidScenario, DefaultsWhenSectionsAreAbsent) {
  const Scenario s = load_scenario_text(kMinimal, "m.yaml", options_with_env({{"CONC", "7"}}));
  EXPECT_TRUE(s.target.is_embedded());
  EXPECT_EQ(s.target.region, "us-east-1");
  EXPECT_EQ(s.target.addressing, Addressing::kPath);
  EXPECT_TRUE(s.target.credentials.from_env);
  EXPECT_EQ(s.target.payload, Payload::kSignedPayload);
  EXPECT_TRUE(s.target.tls.verify);
  EXPECT_EQ(s.target.retries, 2);
  EXPECT_EQ(s.target.bucket, "fallback-bucket");
  EXPECT_EQ(s.events.source, EventSource::kNone);
  EXPECT_EQ(s.events.listen_host, "127.0.0.1");
  EXPECT_EQ(s.events.listen_port, 9900);
  EXPECT_EQ(s.events.grace, 10s);
  EXPECT_EQ(s.phases[0].duration, 5s);
  EXPECT_EQ(s.phases[0].concurrency, 7);
  EXPECT_FALSE(s.seed_given);
  EXPECT_EQ(s.seed, 99u);  // LoadOptions::default_seed
}

TEST(ValidScenario, AmqpSourceWithTopicsPushingToAmqp) {
  const Scenario s = load_scenario_text(R"(
target: {endpoint: "http://127.0.0.1:7480", bucket: b-1}
setup:
  topics:
    - {name: t1, push_endpoint: "amqp://u:p@127.0.0.1:5672/%2f", amqp_exchange: ex,
       amqp_ack_level: routable, persistent: true}
events:
  source: amqp
  amqp:
    url: "amqp://guest:${AMQP_PASSWORD}@127.0.0.1:5672/%2f"
    exchange: s3events
    queue: kept
    prefetch: 50
    consumers: 3
    declare: true
    max_rate: 200
phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]
)",
                                        "a.yaml", options_with_env({{"AMQP_PASSWORD", "pw"}}));
  EXPECT_EQ(s.events.source, EventSource::kAmqp);
  EXPECT_EQ(s.events.amqp.url, "amqp://guest:pw@127.0.0.1:5672/%2f");
  EXPECT_EQ(s.events.amqp.exchange, "s3events");
  EXPECT_EQ(s.events.amqp.routing_key, "#");
  EXPECT_EQ(s.events.amqp.queue, "kept");
  EXPECT_EQ(s.events.amqp.prefetch, 50);
  EXPECT_EQ(s.events.amqp.consumers, 3);
  EXPECT_TRUE(s.events.amqp.declare);
  EXPECT_EQ(s.events.amqp.max_rate, 200);
  ASSERT_EQ(s.setup.topics.size(), 1u);
  EXPECT_EQ(s.setup.topics[0].amqp_exchange, "ex");
  EXPECT_EQ(s.setup.topics[0].amqp_ack_level, "routable");
  const std::string plan = format_plan(s);
  EXPECT_NE(plan.find("AMQP exchange s3events"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("pw"), std::string::npos) << plan;
}

TEST(ValidScenario, AmqpsSourceWithItsOwnCa) {
  const Scenario s = load_scenario_text(R"(
target: {endpoint: "http://127.0.0.1:7480", bucket: b-1}
events:
  source: amqp
  amqp:
    url: "amqps://guest:guest@127.0.0.1:5671/%2f"
    exchange: s3events
    tls: {ca_file: /tmp/broker-ca.pem, verify: false}
phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]
)",
                                        "a.yaml");
  EXPECT_EQ(s.events.amqp.tls.ca_file, "/tmp/broker-ca.pem");
  EXPECT_FALSE(s.events.amqp.tls.verify);
  EXPECT_TRUE(s.target.tls.verify);  // the target's own setting is untouched
  EXPECT_EQ(s.target.tls.ca_file, "");
}

TEST(ValidScenario, EnvironmentOverridesDefaults) {
  const Scenario s = load_scenario_text(
      kMinimal, "m.yaml",
      options_with_env({{"CONC", "3"}, {"BUCKET", "from-env"}, {"DURATION", "1m"}}));
  EXPECT_EQ(s.target.bucket, "from-env");
  EXPECT_EQ(s.phases[0].duration, 60s);
  EXPECT_EQ(s.phases[0].mix[0].step.bucket, "from-env");
}

TEST(ValidScenario, SetOverridesAddressPhasesByNameAndCreateKeys) {
  const Scenario s = load_scenario_text(
      kMinimal, "m.yaml",
      options_with_env({{"CONC", "3"}}, {"phases.p.rate=5000/s", "phases.p.concurrency=9",
                                         "target.endpoint=https://[::1]", "report.json=out.json",
                                         "seed=5", "phases.p.mix.0.weight=2"}));
  EXPECT_DOUBLE_EQ(*s.phases[0].rate_per_second, 5000);
  EXPECT_EQ(s.phases[0].concurrency, 9);
  EXPECT_EQ(s.target.scheme, "https");
  EXPECT_EQ(s.target.host, "::1");
  EXPECT_EQ(s.target.port, 443);
  EXPECT_EQ(s.report.json, "out.json");
  EXPECT_EQ(s.seed, 5u);
  EXPECT_DOUBLE_EQ(s.phases[0].mix[0].weight, 2);
}

TEST(ValidScenario, RampShortFormSetsStartRate) {
  const Scenario s = load_scenario_text(R"(
target: {bucket: b-1}
phases:
  - name: r
    duration: 10s
    ramp: {start: 10/s, target: 100/s, over: 10s}
    flow: [{head: {key: k}}]
)",
                                        "r.yaml", options_with_env({}));
  ASSERT_TRUE(s.phases[0].rate_per_second);
  EXPECT_DOUBLE_EQ(*s.phases[0].rate_per_second, 10);
  ASSERT_EQ(s.phases[0].ramp.size(), 1u);
  EXPECT_DOUBLE_EQ(s.phases[0].ramp[0].to_per_second, 100);
  // Expected starts: the area under a line from 10/s to 100/s over 10 s = 550.
  const auto plan = make_plan(s);
  ASSERT_TRUE(plan[0].iterations);
  EXPECT_NEAR(*plan[0].iterations, 550, 1e-6);
}

TEST(ValidScenario, PayloadModesChecksumsAndBatchOperations) {
  const Scenario s = load_scenario_text(R"(
target: {endpoint: embedded, bucket: b-1, payload: streaming-trailer, chunk_size: 1MiB}
phases:
  - name: p
    iterations: 1
    flow:
      - put: {key: k, size: 1KiB, checksum: crc64nvme}
      - multipart: {key: m, size: 6MiB, checksum: sha256}
      - list: {prefix: a/, max_keys: 10, pages: 4}
      - delete_objects: {batch: 250}
      - delete_objects:
      - put: {key: k, size: 1}
)",
                                        "p.yaml", options_with_env({}));
  EXPECT_EQ(s.target.payload, Payload::kStreamingTrailer);
  EXPECT_EQ(s.target.chunk_size, 1024u * 1024);
  const auto& flow = s.phases[0].flow;
  EXPECT_EQ(flow[0].checksum, ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_EQ(flow[1].checksum, ChecksumAlgorithm::kSha256);
  EXPECT_EQ(flow[2].pages, 4);
  EXPECT_EQ(flow[2].max_keys, 10);
  EXPECT_EQ(flow[3].op, OpKind::kDeleteObjects);
  EXPECT_EQ(flow[3].batch, 250);
  EXPECT_EQ(flow[3].bucket, "b-1");
  EXPECT_EQ(flow[4].batch, 1000);  // S3's most per request
  EXPECT_FALSE(flow[5].checksum.has_value());
  const std::string plan = format_plan(s);
  EXPECT_NE(plan.find("streaming-trailer payload"), std::string::npos) << plan;
  EXPECT_NE(plan.find("checksum crc64nvme"), std::string::npos) << plan;
  EXPECT_NE(plan.find("delete_objects b-1/ 250 written keys per request"), std::string::npos)
      << plan;
  EXPECT_NE(plan.find("(max 10, 4 pages)"), std::string::npos) << plan;
}

TEST(Plan, CountsBytesAndEventsOfAFlow) {
  const Scenario s = load_scenario_text(kFull, "full.yaml", options_with_env({}));
  const auto plan = make_plan(s);
  ASSERT_EQ(plan.size(), 2u);
  const PhasePlan& walk = plan[0];
  EXPECT_EQ(walk.iterations, 3.0);
  EXPECT_TRUE(walk.iterations_exact);
  ASSERT_EQ(walk.ops.size(), 8u);
  EXPECT_EQ(walk.ops[0].count, 3.0);
  EXPECT_DOUBLE_EQ(walk.ops[0].bytes, 3 * 29.0);
  EXPECT_EQ(walk.ops[0].event, "ObjectCreated:Put");
  // other-bucket only notifies deletes.
  EXPECT_FALSE(walk.ops[0].notified);
  EXPECT_TRUE(walk.ops[2].notified);
  EXPECT_EQ(walk.ops[4].event, "");                  // aborted multipart: no event
  EXPECT_DOUBLE_EQ(walk.ops[4].requests_per_op, 4);  // create + 2 parts + abort
  EXPECT_EQ(walk.ops[5].event, "");
  // storm: iterations stop at 100000 or 30 s: 500/s ramping to 1000/s over 10 s (7500),
  // down to 200/s over 5 s (3000), then 15 s at 200/s (3000).
  const PhasePlan& storm = plan[1];
  ASSERT_TRUE(storm.iterations);
  EXPECT_NEAR(*storm.iterations, 13500, 1e-6);
  EXPECT_FALSE(storm.iterations_exact);
  EXPECT_NEAR(*storm.ops[0].count, 13500 * 3 / 5.5, 1e-6);
}

TEST(Plan, ClosedLoopWithOnlyADurationIsUnbounded) {
  const Scenario s = load_scenario_text(kMinimal, "m.yaml", options_with_env({{"CONC", "2"}}));
  const auto plan = make_plan(s);
  EXPECT_FALSE(plan[0].iterations);
  EXPECT_FALSE(plan[0].ops[0].count);
  EXPECT_NE(format_plan(s).find("unbounded"), std::string::npos);
}

TEST(Plan, NeverPrintsSecrets) {
  const Scenario s = load_scenario_text(kFull, "full.yaml", options_with_env({}));
  const std::string text = format_plan(s);
  EXPECT_EQ(text.find("SECRET"), std::string::npos);
  EXPECT_EQ(text.find("TOKEN"), std::string::npos);
  EXPECT_NE(text.find("phase storm"), std::string::npos);
}

TEST(ShippedScenarios, EveryFileInScenariosIsValid) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(S3STORM_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    // Scenarios for one real target need its env: tests/deploy validates the docker-compose ones,
    // tests/ceph runs the Ceph RGW one.
    const auto name = entry.path().filename();
    if (name == "localstack.yaml" || name == "minio.yaml" || name == "ceph-rgw.yaml") continue;
    ++count;
    SCOPED_TRACE(entry.path().string());
    LoadOptions o;
    o.env = [](std::string_view) { return std::nullopt; };  // defaults only
    o.default_seed = 1;
    EXPECT_NO_THROW({
      try {
        const Scenario s = load_scenario_file(entry.path().string(), o);
        EXPECT_TRUE(s.target.is_embedded());
        EXPECT_FALSE(format_plan(s).empty());
      } catch (const ScenarioError& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  EXPECT_GE(count, 6);
}

TEST(ShippedScenarios, SeedWalkthroughIsTheSeedsFiveOperationsOnce) {
  LoadOptions o;
  o.env = [](std::string_view) { return std::nullopt; };
  const Scenario s = load_scenario_file(S3STORM_SOURCE_DIR "/scenarios/seed-walkthrough.yaml", o);
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_EQ(s.phases[0].iterations, 1u);
  std::vector<OpKind> ops;
  for (const auto& step : s.phases[0].flow) ops.push_back(step.op);
  EXPECT_EQ(ops, (std::vector<OpKind>{OpKind::kPut, OpKind::kCopy, OpKind::kDelete, OpKind::kPost,
                                      OpKind::kMultipart}));
}

}  // namespace
}  // namespace s3storm::scenario
