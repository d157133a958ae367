#include "engine/setup.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "s3/requests.hpp"
#include "s3/sns_topics.hpp"
#include "s3/xml_requests.hpp"
#include "s3/xml_responses.hpp"

namespace s3storm::engine {

namespace bhttp = boost::beast::http;

namespace {

std::string describe(const s3::Reply& reply) {
  if (reply.status == 0) return fmt::format("no answer ({})", reply.error_code);
  return fmt::format("HTTP {} {}", reply.status, reply.error_code);
}

s3::NotificationTargetKind kind_of(scenario::DestinationKind kind) {
  switch (kind) {
    case scenario::DestinationKind::kTopic:
      return s3::NotificationTargetKind::kTopic;
    case scenario::DestinationKind::kLambda:
      return s3::NotificationTargetKind::kLambda;
    default:
      return s3::NotificationTargetKind::kQueue;
  }
}

void create_bucket(BlockingClient& client, const std::string& bucket, const std::string& region) {
  s3::CreateBucketRequest request;
  const auto& reply = client.send(request.build(bucket, region));
  if (reply.ok || reply.error_code == "BucketAlreadyOwnedByYou") return;
  throw SetupError(fmt::format("setup: creating bucket '{}' failed: {}", bucket, describe(reply)));
}

void put_notifications(BlockingClient& client, const std::string& bucket,
                       const std::vector<s3::NotificationTarget>& targets) {
  s3::PutBucketNotificationRequest request;
  const auto& reply = client.send(request.build(bucket, targets));
  if (reply.ok) return;
  throw SetupError(fmt::format("setup: the notification configuration of bucket '{}' failed: {}",
                               bucket, describe(reply)));
}

// The name at the end of an ARN ("arn:aws:sns:default::events" -> "events").
std::string_view arn_resource(std::string_view arn) {
  const auto colon = arn.rfind(':');
  return colon == std::string_view::npos ? arn : arn.substr(colon + 1);
}

// A push endpoint like amqp://user:password@host/...: RGW keeps such a secret only when the topic
// is created over https (16.2 has no setting to allow it in cleartext).
bool carries_password(std::string_view push_endpoint) {
  const auto scheme = push_endpoint.find("://");
  if (scheme == std::string_view::npos) return false;
  const auto rest = push_endpoint.substr(scheme + 3);
  const auto userinfo = rest.substr(0, std::min(rest.find('@'), rest.find('/')));
  return userinfo.size() < rest.size() && rest[userinfo.size()] == '@' &&
         userinfo.find(':') != std::string_view::npos;
}

struct CreatedTopic {
  std::string arn;
  bool to_run_webhook = false;
};

CreatedTopic create_topic(BlockingClient& client, const scenario::Topic& topic,
                          const SetupOptions& options, bool over_https) {
  CreatedTopic created;
  std::string push_endpoint = topic.push_endpoint;
  if (push_endpoint.empty()) {
    if (options.webhook_url.empty()) {
      throw SetupError(fmt::format(
          "setup.topics: topic '{}' has no push_endpoint and the run has no webhook to default "
          "to (events.source is not webhook); give push_endpoint",
          topic.name));
    }
    push_endpoint = options.webhook_url;
    created.to_run_webhook = true;
  }
  s3::TopicAttributes attributes{{"push-endpoint", push_endpoint}};
  if (topic.persistent) attributes.emplace_back("persistent", "true");
  if (!topic.amqp_exchange.empty()) attributes.emplace_back("amqp-exchange", topic.amqp_exchange);
  if (!topic.amqp_ack_level.empty()) {
    attributes.emplace_back("amqp-ack-level", topic.amqp_ack_level);
  }
  auto call = s3::sign_sns_call(client.session(), s3::create_topic_form(topic.name, attributes));
  const auto& reply = client.send(
      {.method = bhttp::verb::post, .headers = call.headers, .body = call.body, .sign = false});
  if (reply.ok) created.arn = s3::parse_topic_arn(reply.body);
  if (!created.arn.empty()) return created;
  std::string answer = describe(reply);
  if (reply.ok) {
    answer = "no TopicArn in the answer";
  } else if (const auto code = s3::parse_sns_error_code(reply.body); !code.empty()) {
    answer = fmt::format("HTTP {} {}", reply.status, code);
  }
  const bool secret_refused =
      reply.status == 400 && !over_https && carries_password(topic.push_endpoint);
  throw SetupError(fmt::format(
      "setup.topics: creating topic '{}' failed: {} ({})", topic.name, answer,
      secret_refused ? "Ceph RGW refuses a push_endpoint that carries a password unless the "
                       "topic is created over https: use an https endpoint, or leave the user "
                       "out of the URL (RGW then logs in as guest)"
                     : "topics need an SNS-compatible API on the S3 endpoint, as Ceph RGW has"));
}

}  // namespace

void run_setup(BlockingClient& client, const scenario::Scenario& scenario,
               const SetupOptions& options) {
  for (const auto& bucket : scenario.setup.buckets) {
    create_bucket(client, bucket, scenario.target.region);
  }
  // The embedded target delivers every notification to the run by itself: it has no topics.
  std::map<std::string, CreatedTopic, std::less<>> topics;
  if (!options.embedded) {
    for (const auto& topic : scenario.setup.topics) {
      topics[topic.name] = create_topic(client, topic, options, scenario.target.scheme == "https");
    }
  }
  std::vector<const CreatedTopic*> to_run_webhook;
  for (const auto& [name, topic] : topics) {
    if (topic.to_run_webhook) to_run_webhook.push_back(&topic);
  }

  std::map<std::string, std::vector<s3::NotificationTarget>> by_bucket;
  for (const auto& notification : scenario.setup.notifications) {
    s3::NotificationTarget target{kind_of(notification.kind), notification.arn,
                                  notification.events,        notification.id,
                                  notification.prefix,        notification.suffix};
    if (notification.kind == scenario::DestinationKind::kTopic) {
      if (auto named = topics.find(arn_resource(notification.arn)); named != topics.end()) {
        target.arn = named->second.arn;
      }
    }
    if (notification.kind == scenario::DestinationKind::kWebhook) {
      if (options.embedded) {
        target.arn = options.webhook_arn;
      } else if (to_run_webhook.size() == 1) {
        target.kind = s3::NotificationTargetKind::kTopic;
        target.arn = to_run_webhook.front()->arn;
      } else {
        throw SetupError(fmt::format(
            "setup.notifications: bucket '{}' asks for `webhook: true`; for {} that needs exactly "
            "one setup.topics entry pushing to the run's webhook (no push_endpoint), found {}; or "
            "give the queue, topic or lambda ARN your server sends to the run's webhook",
            notification.bucket, scenario.target.endpoint, to_run_webhook.size()));
      }
    }
    by_bucket[notification.bucket].push_back(std::move(target));
  }
  for (const auto& [bucket, targets] : by_bucket) put_notifications(client, bucket, targets);
}

CleanupPlan plan_cleanup(const scenario::Scenario& scenario) {
  CleanupPlan plan;
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](const std::string& bucket, const scenario::KeyRef& ref) {
    if (ref.last || ref.key.empty()) return;
    const auto& tokens = ref.key.tokens();
    std::string prefix;
    if (tokens.front().kind == scenario::KeyTemplate::Kind::kLiteral) prefix = tokens.front().text;
    if (prefix.empty()) {
      plan.refused.push_back(fmt::format("'{}' in bucket '{}'", ref.key.source(), bucket));
    } else if (seen.emplace(bucket, prefix).second) {
      plan.prefixes.push_back({bucket, prefix});
    }
  };
  // A step that spreads over buckets may have written its keys to any of them.
  auto add_step = [&](const scenario::Step& step) {
    if (!step.bucket_spread.active()) return add(step.bucket, step.key);
    for (const auto& bucket : step.bucket_spread.names()) add(bucket, step.key);
  };
  for (const auto& phase : scenario.phases) {
    for (const auto& step : phase.flow) add_step(step);
    for (const auto& weighted : phase.mix) add_step(weighted.step);
  }
  return plan;
}

namespace {

bool not_implemented(const s3::Reply& reply) {
  return reply.status == 501 || reply.error_code == "NotImplemented";
}

}  // namespace

std::uint64_t run_cleanup(BlockingClient& client, const CleanupPlan& plan,
                          std::atomic<std::uint64_t>& deleted) {
  std::uint64_t failed = 0;
  bool batch = true;  // until the server says it has no DeleteObjects
  s3::ListMultipartUploadsRequest list_uploads;
  s3::AbortMultipartUploadRequest abort;
  s3::ListObjectsV2Request list;
  s3::DeleteObjectsRequest delete_objects;
  auto delete_one_by_one = [&](const std::string& bucket, const std::vector<std::string>& keys) {
    for (const auto& key : keys) {
      if (client.send({.method = bhttp::verb::delete_, .bucket = bucket, .key = key}).ok) {
        deleted.fetch_add(1, std::memory_order_relaxed);
      } else {
        ++failed;
      }
    }
  };
  for (const auto& [bucket, prefix] : plan.prefixes) {
    const auto& uploads_reply = client.send(list_uploads.build(bucket, prefix));
    if (uploads_reply.ok) {
      for (const auto& upload : s3::parse_list_multipart_uploads(uploads_reply.body)) {
        client.send(abort.build(bucket, upload.key, upload.upload_id));
      }
    }
    std::string token;
    for (;;) {
      const auto& list_reply = client.send(
          list.build(bucket, prefix, static_cast<int>(s3::DeleteObjectsRequest::kMaxKeys), token));
      if (!list_reply.ok) break;
      auto page = s3::parse_list_objects_v2(list_reply.body);
      if (batch && !page.keys.empty()) {
        const auto& reply = client.send(delete_objects.build(bucket, page.keys));
        if (reply.ok) {
          const auto errors =
              std::min(s3::parse_delete_errors(reply.body).size(), page.keys.size());
          deleted.fetch_add(page.keys.size() - errors, std::memory_order_relaxed);
          failed += errors;
        } else if (not_implemented(reply)) {
          batch = false;
        } else {
          failed += page.keys.size();
        }
      }
      if (!batch) delete_one_by_one(bucket, page.keys);
      if (!page.truncated || page.next_continuation_token.empty()) break;
      token = page.next_continuation_token;
    }
  }
  return failed;
}

}  // namespace s3storm::engine
