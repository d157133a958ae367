#pragma once

// The scenario as plain data: everything past src/scenario/ sees these structs and nothing of YAML.
// Every value here has already been validated by the loader; consumers may trust it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/bucket_template.hpp"
#include "scenario/key_template.hpp"
#include "scenario/size_spec.hpp"
#include "scenario/threshold.hpp"
#include "util/checksum_algorithm.hpp"
#include "util/op_kind.hpp"

namespace s3storm::scenario {

using Duration = std::chrono::nanoseconds;

enum class Addressing { kPath, kVirtualHost };
// How object data (PutObject and UploadPart bodies) goes out: signed or unsigned as is, or
// aws-chunked (Content-Encoding aws-chunked) with chunk signatures, with chunk signatures and a
// signed trailer, or unsigned chunks with a trailer (what current AWS SDKs send).
enum class Payload {
  kSignedPayload,
  kUnsignedPayload,
  kStreaming,
  kStreamingTrailer,
  kUnsignedTrailer
};

struct Credentials {
  bool from_env = true;  // the AWS chain (env vars, profile); the fields below are then empty
  std::string access_key;
  std::string secret_key;
  std::string session_token;
};

struct Tls {
  bool verify = true;
  std::string ca_file;
};

// target.endpoints: which endpoint an iteration goes to. per_worker: flow slot i always uses
// endpoint i mod N (its keep-alive connections stay there); round_robin: the phase's iteration i
// goes to endpoint i mod N. An iteration (a flow's steps, a mix's pick) never changes endpoint,
// as its steps depend on each other (copy or get of `last`, a multipart upload's requests).
enum class EndpointSpread { per_worker, round_robin };

struct Target {
  std::string endpoint = "embedded";  // "embedded" or the URL as written
  // Parsed from endpoint when it is a URL (scheme "http" or "https").
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;
  std::string region = "us-east-1";
  Addressing addressing = Addressing::kPath;
  Credentials credentials;
  Payload payload = Payload::kSignedPayload;
  std::uint64_t chunk_size = 64 * 1024;  // aws-chunked data per chunk (the streaming modes)
  Tls tls;
  int retries = 2;
  Duration connect_timeout = std::chrono::seconds(5);
  Duration request_timeout = std::chrono::seconds(30);
  Duration idle_timeout = std::chrono::seconds(60);
  std::string bucket;  // default bucket for steps that name none
  // target.endpoints as written, two or more (`endpoint` is then the first); empty: `endpoint`.
  std::vector<std::string> endpoints;
  EndpointSpread spread = EndpointSpread::per_worker;
  // Which of these the scenario wrote (or --set): the others may come from the AWS environment
  // and profile (aws_config::apply_to_target).
  bool endpoint_given = false;
  bool region_given = false;
  bool addressing_given = false;

  bool is_embedded() const { return endpoint == "embedded"; }
};

// Where a bucket notification goes, as the scenario says it. Not s3::NotificationTargetKind:
// kWebhook ("the run's own receiver") has no ARN yet; setup resolves it to a topic that pushes to
// the run, or to the embedded target's own ARN, and maps the rest one to one.
enum class DestinationKind { kQueue, kTopic, kLambda, kWebhook };

struct Notification {
  std::string id;  // configuration Id; generated when not given
  std::string bucket;
  std::vector<std::string> events;  // as written, e.g. "s3:ObjectCreated:*"
  DestinationKind kind = DestinationKind::kWebhook;
  std::string arn;  // empty for webhook (the run's own webhook)
  std::string prefix;
  std::string suffix;
};

struct Topic {
  std::string name;
  std::string push_endpoint;  // empty: the run's own webhook
  bool persistent = false;
  // An amqp:// push endpoint: RGW's "amqp-exchange" and "amqp-ack-level" (none|broker|routable).
  std::string amqp_exchange;
  std::string amqp_ack_level;
};

struct Setup {
  std::vector<std::string> buckets;
  std::vector<Notification> notifications;
  std::vector<Topic> topics;
  bool cleanup = false;
};

enum class EventSource { kWebhook, kSqs, kAmqp, kNone };

struct SqsSettings {
  std::string queue_url;
  int pollers = 1;
  Duration wait = std::chrono::seconds(20);  // long-poll wait per ReceiveMessage
};

// events.source: amqp — a queue bound to the topic exchange RGW or MinIO publishes to.
struct AmqpSettings {
  std::string url;  // amqp[s]://user:password@host:port/vhost (the vhost / is %2f)
  std::string exchange;
  std::string routing_key = "#";
  std::string queue;  // empty: one named for the run, deleted after it
  int prefetch = 1000;
  int consumers = 1;
  bool declare = false;  // declare the exchange (durable topic) when missing
  int max_rate = 0;      // messages/s per consumer at most, a slow consumer on purpose; 0: no cap
  Tls tls;               // amqps://: how the broker's certificate is checked, as target.tls
};

// events.outages: the run's own receiver made unavailable on purpose, to see what the server
// does about it (retries, losses, duplicates) and how long it takes to catch up.
struct Outage {
  enum class Mode { kRefuse, kHttp503, kStall };
  Duration at{};      // from the start of the first phase
  Duration length{};  // `for`
  Mode mode = Mode::kRefuse;
};

struct Events {
  EventSource source = EventSource::kNone;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 9900;
  Duration grace = std::chrono::seconds(10);
  // How far an event's eventTime may lie outside its operation's span (send to answer).
  Duration clock_skew = std::chrono::seconds(2);
  // How long a delivered event's identity is remembered to tell a later copy as a duplicate (and
  // a key's order history kept): the matcher's memory covers this window, not the whole run.
  Duration dedup_window = std::chrono::minutes(10);
  std::vector<Outage> outages;  // in time order, not overlapping; webhook only
  std::string auth_token;
  SqsSettings sqs;
  AmqpSettings amqp;
  bool sns_confirm = true;
  std::uint64_t max_body = 1024 * 1024;
};

// What a body is made of (s3/content.hpp): `repeat`, a prefix of one shared buffer, or `random`,
// bytes of the object's own reproducible from the seed and the key.
enum class Content { kRepeat, kRandom };

// Which bytes a get reads: the whole object, a fixed byte range, or a random aligned window.
struct ReadRange {
  enum class Kind { kWhole, kFixed, kRandom };
  Kind kind = Kind::kWhole;
  std::uint64_t first = 0;            // fixed
  std::optional<std::uint64_t> last;  // fixed, inclusive; none: to the end ("1024-")
  std::uint64_t window = 0;           // random: the window's size, and its alignment
};

// The key a step reads or writes: a compiled template, or the key the previous writing step wrote.
struct KeyRef {
  bool last = false;
  KeyTemplate key;  // empty when last
};

struct Step {
  OpKind op = OpKind::kPut;
  std::string bucket;          // resolved: step, else phase, else target default
  BucketSpread bucket_spread;  // active when `bucket` is a template: each key's bucket
  KeyRef key;                  // list: the prefix
  SizeSpec size;               // put, post, multipart
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* without the prefix
  std::string storage_class;
  // copy
  KeyRef from;
  std::string from_bucket;  // defaults to the step's bucket
  BucketSpread from_bucket_spread;
  // multipart
  std::uint64_t part_size = 8ull * 1024 * 1024;
  int parallel_parts = 1;
  bool abort = false;  // abort the upload instead of completing it
  // list
  int max_keys = 1000;
  // put, post: what the body is; get: what the object should hold
  Content content = Content::kRepeat;
  bool content_given = false;  // false: the scenario's default (a get of `last`: the writer's)
  // get
  bool verify = false;
  ReadRange range;
  int pages = 1;  // pages followed by continuation token, at most
  // put, multipart
  // a step's x-amz-checksum-*: a header, or the trailer in the trailer modes; none: no checksum
  std::optional<ChecksumAlgorithm> checksum;
  // delete_objects: keys per DeleteObjects request, taken from what the run wrote to the bucket
  int batch = 1000;

  // Whether a successful step leaves a key that `last` can refer to afterwards.
  bool writes_key() const {
    return op == OpKind::kPut || op == OpKind::kCopy || op == OpKind::kPost ||
           (op == OpKind::kMultipart && !abort);
  }
};

struct WeightedStep {
  double weight = 1;
  Step step;
};

struct RampStage {
  double to_per_second = 0;
  Duration over{};
};

// search: the highest open-loop rate at which every `until` holds over a probe (a short run at
// one rate), found by stepping up geometrically from `from` and then bisecting.
struct Search {
  double from_per_second = 0;
  double to_per_second = 0;
  Duration probe = std::chrono::seconds(10);
  std::vector<Threshold> until;  // judged on each probe's own numbers
  double precision = 0.05;       // stop when the failed rate is within this fraction of the held
};

struct Phase {
  std::string name;
  bool is_mix = false;
  std::vector<Step> flow;                   // when !is_mix
  std::vector<WeightedStep> mix;            // when is_mix
  std::optional<std::uint64_t> iterations;  // total flow iterations in the phase
  std::optional<Duration> duration;
  int concurrency = 1;                    // flows in flight
  std::optional<double> rate_per_second;  // open loop when set (the start rate when ramping)
  std::vector<RampStage> ramp;            // linear segments starting from rate (or 0/s)
  Duration think{};                       // pause between the steps of a flow
  std::string bucket;
  // `with: NAME`: the phase starts together with NAME, a phase of the group just before it (empty:
  // it starts once the phases before it have ended). See phase_groups.
  std::string with;
  std::optional<Search> search;  // a capacity search: no rate, ramp, iterations or duration then
};

// The phases in the order they run: each group starts together (a phase and the ones that say
// `with:` one of its group) and ends when all its phases have ended; the next group starts then.
// Each group is a list of indices into `phases`, consecutive and increasing.
std::vector<std::vector<std::size_t>> phase_groups(const std::vector<Phase>& phases);

struct Report {
  std::string json;
  std::string html;
  std::string junit;
};

struct Scenario {
  std::string source_name;  // the file name as given, for messages
  Target target;
  Setup setup;
  Events events;
  std::vector<Phase> phases;
  std::vector<Threshold> thresholds;
  Report report;
  std::uint64_t seed = 0;
  Content content = Content::kRepeat;  // the default of steps that say none
  bool seed_given = false;  // false: seed was drawn at load time (printed so a run can be repeated)
};

const char* to_string(Payload payload);
const char* to_string(Comparator c);

}  // namespace s3storm::scenario
