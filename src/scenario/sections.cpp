#include "scenario/sections.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "scenario/threshold_parser.hpp"
#include "util/url.hpp"

namespace s3storm::scenario::detail {

namespace {

const std::initializer_list<std::string_view> kEventNames = {
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:IntelligentTiering",
};

// Parses "http(s)://host[:port][/]" into the target; false if it is not such a URL.
bool parse_endpoint(const std::string& url, Target& out) {
  const auto split = split_http_url(url);
  if (!split || (!split->target.empty() && split->target != "/")) return false;
  out.scheme = split->https ? "https" : "http";
  out.host = split->host;
  out.port = split->port;
  return true;
}

// target.tls and events.amqp.tls: {verify, ca_file}.
void read_tls(Reader& r, const YAML::Node& node, Tls& out) {
  if (r.check_map(node, "tls", {"verify", "ca_file"})) {
    r.read_bool(node, "verify", out.verify);
    r.read_string(node, "ca_file", out.ca_file);
  }
}

// target.endpoints and target.spread. Each URL is checked as `endpoint` is; one with userinfo is
// refused, since the URLs are printed in the plan and the report.
void read_endpoints(Reader& r, const YAML::Node& node, Target& out) {
  const YAML::Node list = node["endpoints"];
  if (const YAML::Node n = node["spread"]) {
    if (!list) r.error(n, "'spread' needs 'endpoints' (it says how the load is split among them)");
    if (auto v = r.to_enum(n, "spread", {"per-worker", "round-robin"})) {
      out.spread = *v == "per-worker" ? EndpointSpread::per_worker : EndpointSpread::round_robin;
    }
  }
  if (!list) return;
  if (node["endpoint"]) {
    r.error(list,
            "'endpoints' and 'endpoint' exclude each other: list every endpoint in "
            "'endpoints'");
    return;
  }
  if (!list.IsSequence() || list.size() < 2) {
    r.error(list, "'endpoints' must be a list of two or more http(s)://host[:port] URLs");
    return;
  }
  for (const auto& item : list) {
    auto url = r.scalar(item, "endpoint");
    if (!url) continue;
    const auto authority_end = url->find('/', url->find("//") + 2);
    if (url->substr(0, authority_end).find('@') != std::string::npos) {
      r.error(item,
              "an endpoint must not carry credentials (user:password@): they would be "
              "printed in the plan and the report; use target.credentials");
      continue;
    }
    Target parsed;
    if (!parse_endpoint(*url, parsed)) {
      r.error(item, "endpoint '" + *url +
                        "' must be http(s)://host[:port], e.g. "
                        "http://127.0.0.1:9000");
      continue;
    }
    if (std::find(out.endpoints.begin(), out.endpoints.end(), *url) != out.endpoints.end()) {
      r.error(item, "endpoint '" + *url + "' is listed twice");
      continue;
    }
    if (out.endpoints.empty()) {
      out.endpoint = *url;
      out.endpoint_given = true;
      out.scheme = parsed.scheme;
      out.host = parsed.host;
      out.port = parsed.port;
    }
    out.endpoints.push_back(*url);
  }
}

}  // namespace

bool valid_bucket_name(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.'; }) &&
         name.find("..") == std::string::npos;
}

void check_bucket_name(Reader& r, const YAML::Node& at, const std::string& name) {
  // A template is checked where it is resolved (a phase's step, or setup's expansion).
  if (!is_bucket_template(name) && !valid_bucket_name(name)) {
    r.error(at, "bucket name '" + name +
                    "' is not valid in S3: use 3 to 63 characters of a-z, 0-9, '.' and '-', "
                    "starting and ending with a letter or digit");
  }
}

std::vector<std::string> setup_buckets(Reader& r, const YAML::Node& at, const std::string& name) {
  if (!is_bucket_template(name)) return {name};
  try {
    return compile_bucket_template(name, {}).names();
  } catch (const std::invalid_argument& e) {
    r.error(at, e.what());
    return {};
  }
}

void read_target(Reader& r, const YAML::Node& node, Target& out) {
  if (!r.check_map(node, "target",
                   {"endpoint", "endpoints", "spread", "region", "addressing", "credentials",
                    "payload", "chunk_size", "tls", "retries", "connect_timeout", "request_timeout",
                    "idle_timeout", "bucket"})) {
    return;
  }
  read_endpoints(r, node, out);
  if (const YAML::Node endpoint = node["endpoint"]) {
    if (auto value = r.scalar(endpoint, "endpoint")) {
      out.endpoint = *value;
      out.endpoint_given = true;
      if (*value != "embedded" && !parse_endpoint(*value, out)) {
        r.error(endpoint, "endpoint '" + *value +
                              "' must be 'embedded' or http(s)://host[:port], e.g. "
                              "http://127.0.0.1:9000");
      }
    }
  }
  out.region_given = static_cast<bool>(node["region"]);
  r.read_string(node, "region", out.region);
  if (const YAML::Node n = node["addressing"]) {
    out.addressing_given = true;
    if (auto v = r.to_enum(n, "addressing", {"path", "virtual"})) {
      out.addressing = *v == "path" ? Addressing::kPath : Addressing::kVirtualHost;
    }
  }
  if (const YAML::Node n = node["payload"]) {
    constexpr Payload kModes[] = {Payload::kSignedPayload, Payload::kUnsignedPayload,
                                  Payload::kStreaming, Payload::kStreamingTrailer,
                                  Payload::kUnsignedTrailer};
    if (auto v = r.to_enum(
            n, "payload",
            {"signed", "unsigned", "streaming", "streaming-trailer", "unsigned-trailer"})) {
      for (const auto mode : kModes) {
        if (*v == to_string(mode)) out.payload = mode;
      }
    }
  }
  // S3 wants every chunk but the last to be at least 8 KiB.
  r.read_size(node, "chunk_size", 8 * 1024, out.chunk_size);
  if (out.chunk_size > 64ull * 1024 * 1024) {
    r.error(node["chunk_size"], "'chunk_size' must be at most 64MiB");
  }
  if (const YAML::Node n = node["credentials"]) {
    if (n.IsScalar()) {
      if (r.to_enum(n, "credentials", {"env"})) out.credentials.from_env = true;
    } else if (r.check_map(n, "credentials", {"access_key", "secret_key", "session_token"})) {
      out.credentials.from_env = false;
      if (r.require(n, "access_key", "credentials") && r.require(n, "secret_key", "credentials")) {
        r.read_string(n, "access_key", out.credentials.access_key);
        r.read_string(n, "secret_key", out.credentials.secret_key);
      }
      r.read_string(n, "session_token", out.credentials.session_token);
    }
  }
  if (const YAML::Node n = node["tls"]) read_tls(r, n, out.tls);
  r.read_int(node, "retries", 0, 100, out.retries);
  r.read_duration(node, "connect_timeout", false, out.connect_timeout);
  r.read_duration(node, "request_timeout", false, out.request_timeout);
  r.read_duration(node, "idle_timeout", false, out.idle_timeout);
  if (const YAML::Node n = node["bucket"]) {
    if (auto v = r.scalar(n, "bucket")) {
      check_bucket_name(r, n, *v);
      out.bucket = *v;
    }
  }
}

void read_setup(Reader& r, const YAML::Node& node, Setup& out) {
  if (!r.check_map(node, "setup", {"buckets", "notifications", "topics", "cleanup"})) return;
  if (const YAML::Node buckets = node["buckets"]) {
    if (!buckets.IsSequence()) {
      r.error(buckets, "'buckets' must be a list of bucket names");
    } else {
      for (const auto& b : buckets) {
        if (auto name = r.scalar(b, "bucket")) {
          check_bucket_name(r, b, *name);
          for (auto& each : setup_buckets(r, b, *name)) out.buckets.push_back(std::move(each));
        }
      }
    }
  }
  r.read_bool(node, "cleanup", out.cleanup);
  if (const YAML::Node topics = node["topics"]) {
    if (!topics.IsSequence()) r.error(topics, "'topics' must be a list");
    const YAML::Node none(YAML::NodeType::Sequence);
    for (const auto& t : topics.IsSequence() ? topics : none) {
      if (!r.check_map(
              t, "topic",
              {"name", "push_endpoint", "persistent", "amqp_exchange", "amqp_ack_level"})) {
        continue;
      }
      Topic topic;
      if (r.require(t, "name", "topic")) r.read_string(t, "name", topic.name);
      r.read_string(t, "push_endpoint", topic.push_endpoint);
      r.read_bool(t, "persistent", topic.persistent);
      r.read_string(t, "amqp_exchange", topic.amqp_exchange);
      if (const YAML::Node level = t["amqp_ack_level"]) {
        if (auto v = r.to_enum(level, "amqp_ack_level", {"none", "broker", "routable"})) {
          topic.amqp_ack_level = *v;
        }
      }
      const bool amqp =
          topic.push_endpoint.starts_with("amqp://") || topic.push_endpoint.starts_with("amqps://");
      if (amqp && topic.amqp_exchange.empty()) {
        r.error(t, "a topic pushing to amqp:// needs 'amqp_exchange' (RGW publishes to it)");
      } else if (!amqp && (t["amqp_exchange"] || t["amqp_ack_level"])) {
        r.error(t, "'amqp_exchange' and 'amqp_ack_level' need an amqp:// push_endpoint");
      }
      out.topics.push_back(std::move(topic));
    }
  }
  if (const YAML::Node notifications = node["notifications"]) {
    if (!notifications.IsSequence()) r.error(notifications, "'notifications' must be a list");
    int generated_id = 0;
    const YAML::Node none(YAML::NodeType::Sequence);
    for (const auto& n : notifications.IsSequence() ? notifications : none) {
      if (!r.check_map(
              n, "notification",
              {"id", "bucket", "events", "queue", "topic", "lambda", "webhook", "filter"})) {
        continue;
      }
      Notification notification;
      notification.id = "s3storm-" + std::to_string(++generated_id);
      r.read_string(n, "id", notification.id);
      if (r.require(n, "bucket", "notification")) {
        if (auto v = r.scalar(n["bucket"], "bucket")) {
          check_bucket_name(r, n["bucket"], *v);
          notification.bucket = *v;
        }
      }
      if (r.require(n, "events", "notification")) {
        const YAML::Node events = n["events"];
        if (!events.IsSequence() || events.size() == 0) {
          r.error(events, "'events' must be a non-empty list like [\"s3:ObjectCreated:*\"]");
        } else {
          for (const auto& e : events) {
            auto name = r.scalar(e, "event");
            if (!name) continue;
            if (std::find(kEventNames.begin(), kEventNames.end(), *name) == kEventNames.end()) {
              std::string message = "unknown event type '" + *name + "'";
              if (auto hint = closest_match(*name, kEventNames)) {
                message += "; did you mean '" + *hint + "'?";
              } else {
                message += "; e.g. 's3:ObjectCreated:*', 's3:ObjectRemoved:Delete'";
              }
              r.error(e, std::move(message));
              continue;
            }
            notification.events.push_back(*name);
          }
        }
      }
      int destinations = 0;
      for (const auto& [key, kind] : {std::pair{"queue", DestinationKind::kQueue},
                                      std::pair{"topic", DestinationKind::kTopic},
                                      std::pair{"lambda", DestinationKind::kLambda}}) {
        if (const YAML::Node arn = n[key]) {
          ++destinations;
          notification.kind = kind;
          if (auto v = r.scalar(arn, key)) {
            if (v->rfind("arn:", 0) != 0) {
              r.error(arn, std::string("'") + key + "' must be an ARN (arn:...), got '" + *v + "'");
            }
            notification.arn = *v;
          }
        }
      }
      if (const YAML::Node webhook = n["webhook"]) {
        ++destinations;
        notification.kind = DestinationKind::kWebhook;
        // 'webhook: true' is the only meaning: the run's own webhook receives the events.
        (void)r.to_enum(webhook, "webhook", {"true"});
      }
      if (destinations != 1) {
        r.error(n,
                "a notification needs exactly one destination: 'queue', 'topic', 'lambda' "
                "(an ARN) or 'webhook: true'; found " +
                    std::to_string(destinations));
      }
      if (const YAML::Node filter = n["filter"]) {
        if (r.check_map(filter, "filter", {"prefix", "suffix"})) {
          r.read_string(filter, "prefix", notification.prefix);
          r.read_string(filter, "suffix", notification.suffix);
        }
      }
      // A bucket template configures every bucket it can produce, each the same way.
      const YAML::Node bucket_at = n["bucket"] ? n["bucket"] : n;
      for (auto& bucket : setup_buckets(r, bucket_at, notification.bucket)) {
        Notification each = notification;
        each.bucket = std::move(bucket);
        out.notifications.push_back(std::move(each));
      }
    }
  }
}

// After `source`, which decides whether an outage can be staged at all.
static void read_outages(Reader& r, const YAML::Node& list, Events& out) {
  if (!list.IsSequence()) {
    r.error(list, "'outages' must be a list like [{at: 10s, for: 5s, mode: refuse}]");
    return;
  }
  if (out.source != EventSource::kWebhook) {
    // A queue (SQS) or a broker (AMQP) keeps what the server sends while nobody reads: stopping
    // our reader is a slow consumer, not an outage of the notification target.
    r.error(list,
            "'outages' needs source: webhook (the run's own receiver); with sqs or amqp the "
            "queue keeps the events while the run does not read, which is not an outage of the "
            "target (use amqp.max_rate for a slow consumer)");
    return;
  }
  for (const YAML::Node& item : list) {
    if (!r.check_map(item, "outages", {"at", "for", "mode"})) continue;
    Outage outage;
    if (!item["at"] || !item["for"]) {
      r.error(item, "an outage needs 'at' and 'for', e.g. {at: 10s, for: 5s, mode: refuse}");
      continue;
    }
    r.read_duration(item, "at", true, outage.at);
    r.read_duration(item, "for", false, outage.length);
    if (const YAML::Node m = item["mode"]) {
      if (auto v = r.to_enum(m, "mode", {"refuse", "503", "stall"})) {
        outage.mode = *v == "refuse" ? Outage::Mode::kRefuse
                      : *v == "503"  ? Outage::Mode::kHttp503
                                     : Outage::Mode::kStall;
      }
    }
    if (!out.outages.empty() && outage.at < out.outages.back().at + out.outages.back().length) {
      r.error(item, "outages must be in time order and must not overlap");
      continue;
    }
    out.outages.push_back(outage);
  }
}

void read_events(Reader& r, const YAML::Node& node, Events& out) {
  if (!r.check_map(node, "events",
                   {"source", "listen", "grace", "clock_skew", "dedup_window", "outages",
                    "auth_token", "sqs", "amqp", "sns_confirm", "max_body"})) {
    return;
  }
  out.source = EventSource::kWebhook;  // an events section without a source means the webhook
  if (const YAML::Node n = node["source"]) {
    if (auto v = r.to_enum(n, "source", {"webhook", "sqs", "amqp", "none"})) {
      out.source = *v == "webhook" ? EventSource::kWebhook
                   : *v == "sqs"   ? EventSource::kSqs
                   : *v == "amqp"  ? EventSource::kAmqp
                                   : EventSource::kNone;
    }
  }
  if (const YAML::Node n = node["listen"]) {
    if (auto v = r.scalar(n, "listen")) {
      const auto colon = v->rfind(':');
      unsigned port = 0;
      bool ok = colon != std::string::npos && colon > 0;
      if (ok) {
        const std::string p = v->substr(colon + 1);
        auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
        ok = !p.empty() && ec == std::errc() && ptr == p.data() + p.size() && port <= 65535;
      }
      if (!ok) {
        r.error(n, "'listen' must be host:port, e.g. 127.0.0.1:9900 (port 0 picks a free one)");
      } else {
        std::string host = v->substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
          host = host.substr(1, host.size() - 2);
        }
        out.listen_host = host;
        out.listen_port = static_cast<std::uint16_t>(port);
      }
    }
  }
  r.read_duration(node, "grace", true, out.grace);
  r.read_duration(node, "clock_skew", true, out.clock_skew);
  r.read_duration(node, "dedup_window", false, out.dedup_window);
  if (const YAML::Node outages = node["outages"]) read_outages(r, outages, out);
  r.read_string(node, "auth_token", out.auth_token);
  r.read_bool(node, "sns_confirm", out.sns_confirm);
  r.read_size(node, "max_body", 1024, out.max_body);
  if (const YAML::Node sqs = node["sqs"]) {
    if (r.check_map(sqs, "sqs", {"queue_url", "pollers", "wait"})) {
      r.read_string(sqs, "queue_url", out.sqs.queue_url);
      r.read_int(sqs, "pollers", 1, 64, out.sqs.pollers);
      r.read_duration(sqs, "wait", true, out.sqs.wait);
      if (out.sqs.wait > std::chrono::seconds(20)) {
        r.error(sqs["wait"], "'wait' is at most 20s (the SQS long-poll limit)");
      }
    }
  }
  if (const YAML::Node amqp = node["amqp"]) {
    if (r.check_map(amqp, "amqp",
                    {"url", "exchange", "routing_key", "queue", "prefetch", "consumers", "declare",
                     "max_rate", "tls"})) {
      r.read_string(amqp, "url", out.amqp.url);
      if (!out.amqp.url.empty() && !out.amqp.url.starts_with("amqp://") &&
          !out.amqp.url.starts_with("amqps://")) {
        // The URL may carry a password: the message does not repeat it.
        r.error(amqp["url"], "'url' must be amqp://USER:PASSWORD@HOST:PORT/VHOST (or amqps://)");
      }
      r.read_string(amqp, "exchange", out.amqp.exchange);
      r.read_string(amqp, "routing_key", out.amqp.routing_key);
      r.read_string(amqp, "queue", out.amqp.queue, true);
      r.read_int(amqp, "prefetch", 1, 65535, out.amqp.prefetch);
      r.read_int(amqp, "consumers", 1, 64, out.amqp.consumers);
      r.read_bool(amqp, "declare", out.amqp.declare);
      r.read_int(amqp, "max_rate", 0, 10'000'000, out.amqp.max_rate);
      if (const YAML::Node tls = amqp["tls"]) {
        read_tls(r, tls, out.amqp.tls);
        if (!out.amqp.url.starts_with("amqps://")) r.error(tls, "'tls' needs an amqps:// url");
      }
    }
  }
  if (out.source == EventSource::kAmqp && (out.amqp.url.empty() || out.amqp.exchange.empty())) {
    r.error(node, "events source 'amqp' needs 'amqp: {url: amqp://..., exchange: ...}'");
  }
  if (out.source == EventSource::kSqs && out.sqs.queue_url.empty()) {
    r.error(node, "events source 'sqs' needs 'sqs: {queue_url: ...}'");
  }
}

void read_report(Reader& r, const YAML::Node& node, Report& out) {
  if (!r.check_map(node, "report", {"json", "html", "junit"})) return;
  r.read_string(node, "json", out.json);
  r.read_string(node, "html", out.html);
  r.read_string(node, "junit", out.junit);
}

void read_thresholds(Reader& r, const YAML::Node& node, const std::vector<std::string>& phases,
                     std::size_t endpoint_count, const Events& events,
                     std::vector<Threshold>& out) {
  if (!node.IsSequence()) {
    r.error(node, "'thresholds' must be a list of expressions like 'put.p99 < 50ms'");
    return;
  }
  for (const auto& item : node) {
    YAML::Node expr = item;
    if (item.IsMap()) {
      if (!r.check_map(item, "threshold", {"expr", "abort_on_fail", "delay"})) continue;
      if (!r.require(item, "expr", "threshold")) continue;
      expr.reset(item["expr"]);
    }
    auto text = r.scalar(expr, "threshold");
    if (!text) continue;
    Threshold threshold;
    try {
      threshold = parse_threshold(*text, phases, endpoint_count);
    } catch (const std::invalid_argument& e) {
      r.error(expr, e.what());
      continue;
    }
    if (const auto why = unmeasurable_without_events(threshold, events)) {
      r.error(expr, "threshold '" + threshold.expression + "' " + *why);
      continue;
    }
    if (item.IsMap()) {
      r.read_bool(item, "abort_on_fail", threshold.abort_on_fail);
      r.read_duration(item, "delay", true, threshold.delay);
      if (threshold.abort_on_fail) {
        if (const auto why = not_measurable_live(threshold); !why.empty()) {
          r.error(item["abort_on_fail"], "threshold '" + threshold.expression +
                                             "' cannot abort the run: " + why +
                                             "; drop abort_on_fail to judge it at the end");
        }
      }
    }
    out.push_back(std::move(threshold));
  }
}

}  // namespace s3storm::scenario::detail
