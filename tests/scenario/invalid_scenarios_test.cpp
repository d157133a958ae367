// Every invalid scenario below must fail with exactly the listed diagnostics (file:line:column and
// message), so a change in wording or position is a deliberate, reviewed change.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "scenario/loader.hpp"

namespace s3storm::scenario {
namespace {

// A valid scenario prefix most cases extend: a target with a bucket.
constexpr const char* kTarget = "target: {endpoint: embedded, bucket: b-1}\n";

struct InvalidCase {
  const char* name;
  std::string yaml;
  std::vector<std::string> expected;  // every diagnostic, in order
  std::vector<std::string> overrides = {};
};

LoadOptions test_options(std::vector<std::string> overrides = {}) {
  LoadOptions o;
  o.overrides = std::move(overrides);
  o.env = [](std::string_view name) -> std::optional<std::string> {
    static const std::map<std::string, std::string> env = {{"SET", "value"}, {"EMPTY", ""}};
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  o.default_seed = 1;
  return o;
}

std::string phase(const std::string& body) {
  return std::string(kTarget) + "phases:\n  - name: p\n" + body;
}

const std::vector<InvalidCase>& cases() {
  static const std::vector<InvalidCase> all = {
      {"UnknownTopLevelKey",
       "phasez: []\n",
       {"t.yaml:1:1: unknown key 'phasez' in the scenario file; did you mean 'phases'?",
        "t.yaml:1:1: the scenario file needs 'phases'"}},
      {"UnknownKeyNoHint",
       phase("    iterations: 1\n    flow: [{put: {key: k, size: 1}}]\n    zzz: 1\n"),
       {"t.yaml:6:5: unknown key 'zzz' in phase; allowed: 'name', 'flow', 'mix', 'iterations', "
        "'duration', 'concurrency', 'rate', 'ramp', 'think', 'bucket', 'with', "
        "'search'"}},
      {"TypoInPhase",
       phase("    iterations: 1\n    concurency: 4\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:5:5: unknown key 'concurency' in phase; did you mean 'concurrency'?"}},
      {"TypoInTarget",
       "target: {endpoint: embedded, bukcet: b-1}\nphases: []\n",
       {"t.yaml:1:30: unknown key 'bukcet' in target; did you mean 'bucket'?",
        "t.yaml:2:9: 'phases' must be a non-empty list of phases"}},
      {"DuplicateKey",
       phase("    iterations: 1\n    iterations: 2\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:5:5: duplicate key 'iterations' in phase (first at line 4)"}},
      {"RootNotMap", "- a\n- b\n", {"t.yaml:1:1: the scenario file must be a map, got a list"}},
      {"PhasesNotList",
       std::string(kTarget) + "phases: {name: p}\n",
       {"t.yaml:2:9: 'phases' must be a non-empty list of phases"}},
      {"MissingName",
       std::string(kTarget) + "phases:\n  - iterations: 1\n    flow: [{put: {key: k, size: 1}}]\n",
       {"t.yaml:3:5: phase needs 'name'"}},
      {"BadPhaseName",
       std::string(kTarget) +
           "phases:\n  - name: a.b\n    iterations: 1\n    flow: [{put: {key: k, size: 1}}]\n",
       {"t.yaml:3:11: phase name 'a.b' may use only letters, digits, '-' and '_' (it is used in "
        "--set paths and threshold metrics)"}},
      {"DuplicatePhaseName",
       std::string(kTarget) + "phases:\n  - {name: p, iterations: 1, flow: [{head: {key: k}}]}\n"
                              "  - {name: p, iterations: 1, flow: [{head: {key: k}}]}\n",
       {"t.yaml:4:12: phase name 'p' is used twice; names must be unique (--set and thresholds "
        "address phases by name)"}},
      {"WithItself",
       std::string(kTarget) + "phases:\n  - {name: a, iterations: 1, flow: [{head: {key: k}}]}\n"
                              "  - {name: b, with: b, iterations: 1, flow: [{head: {key: k}}]}\n",
       {"t.yaml:4:21: phase 'b': with: 'b' names the phase itself; name the phase it starts "
        "together with"}},
      {"WithALaterPhase",
       std::string(kTarget) +
           "phases:\n  - {name: a, with: b, iterations: 1, flow: [{head: {key: k}}]}\n"
           "  - {name: b, iterations: 1, flow: [{head: {key: k}}]}\n",
       {"t.yaml:3:21: phase 'a': with: 'b' names a later phase; list 'a' after 'b'"}},
      {"WithAnUnknownPhase",
       std::string(kTarget) +
           "phases:\n  - {name: writers, iterations: 1, flow: [{head: {key: k}}]}\n"
           "  - {name: b, with: writer, iterations: 1, flow: [{head: {key: k}}]}\n",
       {"t.yaml:4:21: phase 'b': with: 'writer' names no phase; did you mean 'writers'?"}},
      {"WithASearch",
       std::string(kTarget) + "phases:\n  - {name: a, concurrency: 4, mix: [{head: {key: k}}],\n"
                              "     search: {rate: {from: 10/s, to: 100/s}, probe: 1s, until: "
                              "['errors.rate < 0.01']}}\n"
                              "  - {name: b, with: a, iterations: 1, flow: [{head: {key: k}}]}\n",
       {"t.yaml:5:21: phase 'b': a capacity search runs alone; it cannot start with another "
        "phase, nor another phase with it"}},
      {"WithAPhaseThatHasEnded",
       std::string(kTarget) + "phases:\n  - {name: a, iterations: 1, flow: [{head: {key: k}}]}\n"
                              "  - {name: b, iterations: 1, flow: [{head: {key: k}}]}\n"
                              "  - {name: c, with: a, iterations: 1, flow: [{head: {key: k}}]}\n",
       {"t.yaml:5:21: phase 'c': with: 'a' has ended before this phase starts; phases that run "
        "together are listed one after the other, each after the one it names"}},
      {"NoStop",
       phase("    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:3:5: phase 'p' needs a stop: 'iterations', 'duration', or both (whichever comes "
        "first)"}},
      {"ZeroIterations",
       phase("    iterations: 0\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:4:17: 'iterations' must be positive, got 0"}},
      {"NegativeConcurrency",
       phase("    iterations: 1\n    concurrency: -3\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:5:18: 'concurrency' must be positive, got -3"}},
      {"ConcurrencyNotNumber",
       phase("    iterations: 1\n    concurrency: lots\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:5:18: 'concurrency' must be a whole number, got 'lots'"}},
      {"ZeroDuration",
       phase("    duration: 0s\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:4:15: 'duration' must be longer than zero, got '0s'"}},
      {"DurationWithoutUnit",
       phase("    duration: 10\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:4:15: 'duration': duration '10' needs a unit: ns, us, ms, s, m or h (e.g. 250ms)"}},
      {"DurationUnknownUnit",
       phase("    duration: 10 sec\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:4:15: 'duration': unknown duration unit 'sec' in '10 sec'; allowed: ns, us, ms, s, "
        "m, h"}},
      {"RateWithoutUnit",
       phase("    duration: 1s\n    rate: 500\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:5:11: 'rate': rate '500' needs a unit: /s, /m or /h (e.g. 500/s)"}},
      {"NegativeRate",
       phase("    duration: 1s\n    rate: -5/s\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:5:11: 'rate': rate must not be negative, got '-5/s'"}},
      {"ZeroRate",
       phase("    duration: 1s\n    rate: 0/s\n    flow: [{put: {key: k, size: 1}}]\n"),
       {"t.yaml:5:11: 'rate' must be positive, got '0/s'"}},
      {"FlowAndMix",
       phase("    iterations: 1\n    flow: [{head: {key: k}}]\n    mix: [{head: {key: k}}]\n"),
       {"t.yaml:6:10: phase 'p' has both 'flow' and 'mix'; a phase runs either a flow (steps in "
        "order each iteration) or a mix (one weighted step per iteration)"}},
      {"NeitherFlowNorMix",
       phase("    iterations: 1\n"),
       {"t.yaml:3:5: phase 'p' needs 'flow' (steps in order) or 'mix' (one weighted step per "
        "iteration)"}},
      {"EmptyFlow",
       phase("    iterations: 1\n    flow: []\n"),
       {"t.yaml:5:11: 'flow' must be a non-empty list of steps"}},
      {"UnknownStep",
       phase("    iterations: 1\n    flow:\n      - putt: {key: k, size: 1}\n"),
       {"t.yaml:6:9: unknown step 'putt'; did you mean 'put'?"}},
      {"TwoOpsInOneStep",
       phase("    iterations: 1\n    flow:\n      - {put: {key: k, size: 1}, head: {key: k}}\n"),
       {"t.yaml:6:34: one step per list item: 'put' and 'head' are both here; start a new item "
        "with '-'"}},
      {"StepUnknownOption",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: 1, part_size: 5MiB}\n"),
       {"t.yaml:6:32: unknown key 'part_size' in put step; allowed: 'bucket', 'key', 'size', "
        "'content_type', 'metadata', 'storage_class', 'content', 'checksum'"}},
      {"PutWithoutSize",
       phase("    iterations: 1\n    flow:\n      - put: {key: k}\n"),
       {"t.yaml:6:14: put step needs 'size'"}},
      {"CopyWithoutFrom",
       phase("    iterations: 1\n    flow:\n      - copy: {key: k}\n"),
       {"t.yaml:6:15: copy step needs 'from'"}},
      {"NoBucketAnywhere",
       "phases:\n  - {name: p, iterations: 1, flow: [{head: {key: k}}]}\n",
       {"t.yaml:2:44: head step has no bucket: set 'bucket' on the step, on the phase, or "
        "target.bucket"}},
      {"BadBucketName",
       phase("    iterations: 1\n    flow:\n      - head: {bucket: Bad_Bucket, key: k}\n"),
       {"t.yaml:6:24: bucket name 'Bad_Bucket' is not valid in S3: use 3 to 63 characters of "
        "a-z, 0-9, '.' and '-', starting and ending with a letter or digit"}},
      {"LastBeforeWrite",
       phase("    iterations: 1\n    flow:\n      - delete: {key: last}\n"),
       {"t.yaml:6:23: 'last' in 'key' refers to the key written by an earlier step of this flow, "
        "but no step before it in phase 'p' writes a key"}},
      {"CopyFromLastFirst",
       phase("    iterations: 1\n    flow:\n      - copy: {from: last, key: c}\n"),
       {"t.yaml:6:22: 'last' in 'from' refers to the key written by an earlier step of this flow, "
        "but no step before it in phase 'p' writes a key"}},
      {"LastTokenAfterReadOnly",
       phase("    iterations: 1\n    flow:\n      - head: {key: a}\n      - get: {key: "
             "\"{last}.bak\"}\n"),
       {"t.yaml:7:20: 'last' in 'key' refers to the key written by an earlier step of this flow, "
        "but no step before it in phase 'p' writes a key"}},
      {"MixLastWithoutWriter",
       phase("    iterations: 1\n    mix:\n      - {weight: 1, get: {key: last}}\n"),
       {"t.yaml:6:7: phase 'p' uses 'last', but no step of its mix writes a key (put, copy, post "
        "or a completed multipart)"}},
      {"WeightsSumToZero",
       phase("    iterations: 1\n    mix:\n      - {weight: 0, head: {key: a}}\n      - {weight: "
             "0, get: {key: a}}\n"),
       {"t.yaml:6:7: the weights of phase 'p' sum to zero; give at least one step a positive "
        "weight"}},
      {"NegativeWeight",
       phase("    iterations: 1\n    mix:\n      - {weight: -1, head: {key: a}}\n"),
       {"t.yaml:6:18: 'weight' must not be negative"}},
      {"UnknownTemplateVariable",
       phase("    iterations: 1\n    flow:\n      - put: {key: \"obj-{itr}\", size: 1}\n"),
       {"t.yaml:6:20: unknown template variable '{itr}'; allowed: {iter}, {seq}, {worker}, "
        "{phase}, {rand:N}, {uuid}, {hash:N}, {last}"}},
      {"RandWithoutWidth",
       phase("    iterations: 1\n    flow:\n      - put: {key: \"{rand}\", size: 1}\n"),
       {"t.yaml:6:20: template variable '{rand}' needs a width, e.g. '{rand:8}'"}},
      {"HashTooWide",
       phase("    iterations: 1\n    flow:\n      - put: {key: \"{hash:17}/k\", size: 1}\n"),
       {"t.yaml:6:20: template variable '{hash:17}' needs a width from 1 to 16"}},
      {"UnclosedBrace",
       phase("    iterations: 1\n    flow:\n      - put: {key: \"a{iter\", size: 1}\n"),
       {"t.yaml:6:20: unclosed '{' in key template (write '{{' for a literal brace)"}},
      {"KeyTooLong",
       phase("    iterations: 1\n    flow:\n      - put: {key: "
             "\"{rand:256}{rand:256}{rand:256}{rand:256}x\", size: 1}\n"),
       {"t.yaml:6:20: 'key' can expand to more than 1024 bytes, S3's key length limit"}},
      {"PutOver5GiB",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: 6GiB}\n"),
       {"t.yaml:6:29: size can reach 6 GiB, over S3's 5 GiB limit for a single PUT; use a "
        "multipart step"}},
      {"PostDistributionOver5GiB",
       phase("    iterations: 1\n    flow:\n      - post: {key: k, size: {uniform: {min: 1, max: "
             "5.5GiB}}}\n"),
       {"t.yaml:6:30: size can reach 5.5 GiB, over S3's 5 GiB limit for a single POST; use a "
        "multipart step"}},
      {"MultipartOver5TiB",
       phase("    iterations: 1\n    flow:\n      - multipart: {key: k, size: 6TiB, part_size: "
             "5GiB}\n"),
       {"t.yaml:6:35: size can reach 6 TiB, over S3's 5 TiB object limit"}},
      {"PartTooSmall",
       phase("    iterations: 1\n    flow:\n      - multipart: {key: k, size: 20MiB, part_size: "
             "4MiB}\n"),
       {"t.yaml:6:53: part_size 4 MiB is outside S3's part limits: 5 MiB to 5 GiB (only the last "
        "part may be smaller)"}},
      {"PartTooLarge",
       phase("    iterations: 1\n    flow:\n      - multipart: {key: k, size: 20GiB, part_size: "
             "6GiB}\n"),
       {"t.yaml:6:53: part_size 6 GiB is outside S3's part limits: 5 MiB to 5 GiB (only the last "
        "part may be smaller)"}},
      {"TooManyParts",
       phase("    iterations: 1\n    flow:\n      - multipart: {key: k, size: 100GiB, part_size: "
             "5MiB}\n"),
       {"t.yaml:6:35: size 100 GiB in parts of 5 MiB needs 20480 parts, over S3's limit of 10000; "
        "raise part_size"}},
      {"SizeUnknownUnit",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: 4kb}\n"),
       {"t.yaml:6:29: 'size': unknown size unit 'kb' in '4kb'; allowed: B, KB, MB, GB, TB, KiB, "
        "MiB, GiB, TiB"}},
      {"SizeFraction",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: 1.3B}\n"),
       {"t.yaml:6:29: 'size': size '1.3B' is not a whole number of bytes"}},
      {"UniformMaxBelowMin",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: {uniform: {min: 2KiB, max: "
             "1KiB}}}\n"),
       {"t.yaml:6:56: uniform 'max' (1 KiB) is below 'min' (2 KiB)"}},
      {"UnknownDistribution",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: {normal: {mean: 1KiB}}}\n"),
       {"t.yaml:6:30: unknown key 'normal' in size; did you mean 'lognormal'?"}},
      {"ChoiceWeightsZero",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: {choice: [{size: 1, "
             "weight: 0}]}}\n"),
       {"t.yaml:6:38: the weights of 'choice' sum to zero; give at least one size a positive "
        "weight"}},
      {"UndefinedEnv",
       std::string(kTarget) +
           "phases:\n  - name: ${NOPE}\n    iterations: 1\n    flow: [{head: {key: k}}]\n",
       {"t.yaml:3:11: environment variable 'NOPE' is not set and has no default (write "
        "${NOPE:-default})"}},
      {"BadEnvReference",
       std::string(kTarget) +
           "phases:\n  - name: ${1X}\n    iterations: 1\n    flow: [{head: {key: k}}]\n",
       {"t.yaml:3:11: '${1X}' is not a valid reference; write ${NAME} or ${NAME:-default} with "
        "NAME made of letters, digits and '_'"}},
      {"BadEndpoint",
       "target: {endpoint: \"ftp://h\", bucket: b-1}\nphases: [{name: p, iterations: 1, flow: "
       "[{head: {key: k}}]}]\n",
       {"t.yaml:1:20: endpoint 'ftp://h' must be 'embedded' or http(s)://host[:port], e.g. "
        "http://127.0.0.1:9000"}},
      {"BadAddressing",
       "target: {addressing: virtal, bucket: b-1}\nphases: [{name: p, iterations: 1, flow: [{head: "
       "{key: k}}]}]\n",
       {"t.yaml:1:22: 'addressing' must be one of 'path', 'virtual', got 'virtal'; did you mean "
        "'virtual'?"}},
      {"CredentialsMissingSecret",
       "target: {credentials: {access_key: AK}, bucket: b-1}\nphases: [{name: p, iterations: 1, "
       "flow: [{head: {key: k}}]}]\n",
       {"t.yaml:1:23: credentials needs 'secret_key'"}},
      {"BoolNotBool",
       "target: {tls: {verify: yes}, bucket: b-1}\nphases: [{name: p, iterations: 1, flow: [{head: "
       "{key: k}}]}]\n",
       {"t.yaml:1:24: 'verify' must be one of 'true', 'false', got 'yes'"}},
      {"NotificationTwoDestinations",
       std::string(kTarget) +
           "setup:\n  notifications:\n    - {bucket: b-1, events: [\"s3:ObjectCreated:*\"], "
           "webhook: true, queue: \"arn:aws:sqs:r:1:q\"}\n"
           "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:4:7: a notification needs exactly one destination: 'queue', 'topic', 'lambda' (an "
        "ARN) or 'webhook: true'; found 2"}},
      {"UnknownEventType",
       std::string(kTarget) + "setup:\n  notifications:\n    - {bucket: b-1, events: "
                              "[\"s3:ObjectCreated:Pot\"], webhook: true}\n"
                              "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:4:30: unknown event type 's3:ObjectCreated:Pot'; did you mean "
        "'s3:ObjectCreated:Put'?"}},
      {"NotificationsNotAList",
       std::string(kTarget) + "setup:\n  notifications:\n    part_size: x\n  topics: {name: t}\n"
                              "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:4:5: 'notifications' must be a list", "t.yaml:5:11: 'topics' must be a list"}},
      {"SqsWithoutQueue",
       std::string(kTarget) +
           "events: {source: sqs}\nphases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:2:9: events source 'sqs' needs 'sqs: {queue_url: ...}'"}},
      {"AmqpWithoutExchange",
       std::string(kTarget) + "events: {source: amqp, amqp: {url: \"amqp://127.0.0.1\"}}\n"
                              "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:2:9: events source 'amqp' needs 'amqp: {url: amqp://..., exchange: ...}'"}},
      {"AmqpBadUrlAndUnknownKey",
       std::string(kTarget) +
           "events: {source: amqp, amqp: {url: \"http://u:secret@h/\", exchange: x, prefetc: 1}}\n"
           "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:2:36: 'url' must be amqp://USER:PASSWORD@HOST:PORT/VHOST (or amqps://)",
        "t.yaml:2:71: unknown key 'prefetc' in amqp; did you mean 'prefetch'?"}},
      {"AmqpTlsWithoutAmqps",
       std::string(kTarget) +
           "events: {source: amqp, amqp: {url: \"amqp://h\", exchange: x, tls: {ca: f}}}\n"
           "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:2:66: 'tls' needs an amqps:// url",
        "t.yaml:2:67: unknown key 'ca' in tls; allowed: 'verify', 'ca_file'"}},
      {"TopicAmqpWithoutExchange",
       std::string(kTarget) +
           "setup:\n  topics: [{name: t, push_endpoint: \"amqp://h\", amqp_ack_level: all}]\n"
           "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:3:12: a topic pushing to amqp:// needs 'amqp_exchange' (RGW publishes to it)",
        "t.yaml:3:65: 'amqp_ack_level' must be one of 'none', 'broker', 'routable', got 'all'"}},
      {"BadListen",
       std::string(kTarget) + "events: {listen: localhost}\nphases: [{name: p, iterations: 1, "
                              "flow: [{head: {key: k}}]}]\n",
       {"t.yaml:2:18: 'listen' must be host:port, e.g. 127.0.0.1:9900 (port 0 picks a free one)"}},
      {"ThresholdNoComparator",
       std::string(kTarget) + "phases: [{name: p, iterations: 1, flow: [{head: {key: "
                              "k}}]}]\nthresholds:\n  - put.p99 50ms\n",
       {"t.yaml:4:5: threshold 'put.p99 50ms' needs a comparison: <metric> <|<=|>|>=|==|!= "
        "<value>, "
        "e.g. 'put.p99 < 50ms'"}},
      {"ThresholdLatencyWithoutUnit",
       std::string(kTarget) + "phases: [{name: p, iterations: 1, flow: [{head: {key: "
                              "k}}]}]\nthresholds:\n  - put.p99 < 50\n",
       {"t.yaml:4:5: threshold 'put.p99 < 50' compares a latency: give the value a unit, e.g. "
        "50ms"}},
      {"ThresholdUnknownPhase",
       std::string(kTarget) + "phases: [{name: p, iterations: 1, flow: [{head: {key: "
                              "k}}]}]\nthresholds:\n  - phase.storm.dropped == 0\n",
       {"t.yaml:4:5: threshold names phase 'storm', but the scenario has no phase of that name"}},
      {"ThresholdCountWithUnit",
       std::string(kTarget) +
           "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\nthresholds:\n  - {expr: "
           "\"events.missing == 0ms\", abort_on_fail: true}\n",
       {"t.yaml:4:12: threshold 'events.missing == 0ms' compares a count: write a plain number"}},
      {"ThresholdMapTypo",
       std::string(kTarget) +
           "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\nthresholds:\n  - {expr: "
           "\"errors.rate < 1%\", abort_on_fai: true}\n",
       {"t.yaml:4:32: unknown key 'abort_on_fai' in threshold; did you mean 'abort_on_fail'?"}},
      {"SeedNegative",
       std::string(kTarget) +
           "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\nseed: -4\n",
       {"t.yaml:3:7: 'seed' must be a whole number from 0 to 18446744073709551615, got '-4'"}},
      {"RampStageMissingOver",
       phase("    duration: 10s\n    ramp: [{to: 100/s}]\n    flow: [{head: {key: k}}]\n"),
       {"t.yaml:5:12: ramp stage needs 'over'"}},
      {"MetadataBadName",
       phase("    iterations: 1\n    flow:\n      - put: {key: k, size: 1, metadata: {Bad Name: "
             "x}}\n"),
       {"t.yaml:6:43: metadata name 'Bad Name' may use only lowercase letters, digits, '-' and "
        "'_'"}},
      {"ScalarWhereMapExpected",
       std::string(kTarget) +
           "setup: yes\nphases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:2:8: setup must be a map, got a scalar"}},
      {"SyntaxError",
       "phases:\n  - name: p\n   iterations: 1\n",
       {"t.yaml:3:4: YAML syntax error: end of sequence not found\n  3 |    iterations: 1\n    |   "
        " ^"}},
      {"EmptyFile", "", {"t.yaml: the scenario file is empty; it needs at least 'phases'"}},
      {"OverrideUnknownPhase",
       phase("    iterations: 1\n    flow: [{head: {key: k}}]\n"),
       {"--set phases.storm.rate=5/s: no phase named 'storm'; phases: p"},
       {"phases.storm.rate=5/s"}},
      {"OverrideTypo",
       phase("    iterations: 1\n    flow: [{head: {key: k}}]\n"),
       {"--set phases.p.concurrncy=4: unknown key 'concurrncy' in phase; did you mean "
        "'concurrency'?"},
       {"phases.p.concurrncy=4"}},
      {"OverrideBadValue",
       phase("    iterations: 1\n    flow: [{head: {key: k}}]\n"),
       {"--set phases.p.rate=fast: 'rate': expected a rate like 500/s or 30000/m, got 'fast'"},
       {"phases.p.rate=fast"}},
      {"OverrideWithoutEquals",
       phase("    iterations: 1\n    flow: [{head: {key: k}}]\n"),
       {"--set target.endpoint: expected path=value, e.g. --set phases.storm.rate=5000/s"},
       {"target.endpoint"}},
      {"UnknownPayloadMode",
       "target: {endpoint: embedded, bucket: b-1, payload: chunked}\n"
       "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:1:52: 'payload' must be one of 'signed', 'unsigned', 'streaming', "
        "'streaming-trailer', 'unsigned-trailer', got 'chunked'"}},
      {"ChunkSizeBelowS3Minimum",
       "target: {endpoint: embedded, bucket: b-1, payload: streaming, chunk_size: 4KiB}\n"
       "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n",
       {"t.yaml:1:75: 'chunk_size' must be at least 8 KiB"}},
      {"UnknownChecksum",
       phase("    iterations: 1\n    flow: [{put: {key: k, size: 1, checksum: md5}}]\n"),
       {"t.yaml:5:46: 'checksum' must be one of 'none', 'crc32', 'crc32c', 'crc64nvme', 'sha1', "
        "'sha256', got 'md5'"}},
      {"ChecksumOnARead",
       phase("    iterations: 1\n    flow: [{get: {key: k, checksum: crc32}}]\n"),
       {"t.yaml:5:27: unknown key 'checksum' in get step; allowed: 'bucket', 'key', 'verify', "
        "'range', 'content'"}},
      {"DeleteObjectsBatchAboveS3Limit",
       phase("    iterations: 1\n    flow: [{delete_objects: {batch: 1001}}]\n"),
       {"t.yaml:5:37: 'batch' must be from 1 to 1000, got 1001"}},
      {"ListPagesZero",
       phase("    iterations: 1\n    flow: [{list: {prefix: a/, pages: 0}}]\n"),
       {"t.yaml:5:39: 'pages' must be positive, got 0"}},
      {"SeveralErrorsAllReported",
       phase("    iterations: 0\n    concurrency: 0\n    think: -1s\n    flow:\n      - put: {key: "
             "\"{x}\", size: 1}\n"),
       {"t.yaml:4:17: 'iterations' must be positive, got 0",
        "t.yaml:5:18: 'concurrency' must be positive, got 0",
        "t.yaml:6:12: 'think': duration must not be negative, got '-1s'",
        "t.yaml:8:20: unknown template variable '{x}'; allowed: {iter}, {seq}, {worker}, {phase}, "
        "{rand:N}, {uuid}, {hash:N}, {last}"}},
  };
  return all;
}

class InvalidScenario : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidScenario, ReportsEveryProblemWithItsPosition) {
  const InvalidCase& c = GetParam();
  try {
    load_scenario_text(c.yaml, "t.yaml", test_options(c.overrides));
    FAIL() << "expected a ScenarioError for:\n" << c.yaml;
  } catch (const ScenarioError& e) {
    std::vector<std::string> actual;
    for (const auto& d : e.diagnostics()) actual.push_back(d.to_string());
    EXPECT_EQ(actual, c.expected) << c.yaml;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidScenario, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(InvalidScenarioTable, HasAtLeastFortyCases) {
  EXPECT_GE(cases().size(), 40u);
}

TEST(InvalidScenarioFile, MissingFileIsAUsageError) {
  EXPECT_THROW(load_scenario_file("/nonexistent/x.yaml"), UsageError);
}

}  // namespace
}  // namespace s3storm::scenario
