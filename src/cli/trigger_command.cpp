#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "aws_config/credential_source.hpp"
#include "aws_config/refreshing_credentials.hpp"
#include "cli/aws_options.hpp"
#include "cli/commands.hpp"
#include "engine/blocking_client.hpp"
#include "events/matcher.hpp"
#include "events/webhook_receiver.hpp"
#include "http/tls.hpp"
#include "s3/multipart_upload.hpp"
#include "s3/requests.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

namespace bhttp = boost::beast::http;

// What the seed's Python and Perl scripts do, one operation per flag, in their order; with
// --expect-events, each operation's notification is also awaited and confirmed.
struct TriggerOptions {
  std::string endpoint;
  std::string region;
  std::string bucket;
  std::string put_file;
  std::vector<std::string> copy;  // SRC_BUCKET SRC_KEY DEST_KEY
  std::string delete_key;
  std::string post_file;
  std::string multipart_key;
  std::uint64_t size_mb = 6;
  std::string profile;
  std::string expect_events;  // webhook address
  double grace_s = 10;
};

struct Expected {
  std::string key;
  events::EventKind kind;
};

std::string read_file(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{} {}: cannot read the file", flag, path));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string describe_failure(const s3::Reply& reply) {
  return reply.status == 0 ? reply.error_code
                           : fmt::format("HTTP {} {}", reply.status, reply.error_code);
}

class Trigger {
 public:
  Trigger(const TriggerOptions& options, engine::BlockingClient& client, events::Matcher* matcher)
      : options_(options), client_(client), matcher_(matcher) {}

  // Returns false when an operation failed (the rest still run, as the seed's script would not).
  bool run_all() {
    ensure_bucket();
    bool ok = true;
    if (!options_.put_file.empty()) ok &= put();
    if (!options_.copy.empty()) ok &= copy();
    if (!options_.delete_key.empty()) ok &= remove();
    if (!options_.post_file.empty()) ok &= post();
    if (!options_.multipart_key.empty()) ok &= multipart();
    return ok;
  }

  const std::vector<Expected>& expected() const { return expected_; }

 private:
  void ensure_bucket() {
    const auto& head = client_.send({.method = bhttp::verb::head, .bucket = options_.bucket});
    if (head.ok) return;
    s3::CreateBucketRequest request;
    const auto& made = client_.send(request.build(options_.bucket, options_.region));
    if (!made.ok && made.error_code != "BucketAlreadyOwnedByYou") {
      throw UsageError(
          fmt::format("creating bucket {} failed: {}", options_.bucket, describe_failure(made)));
    }
    fmt::print("Created bucket {}\n", options_.bucket);
  }

  bool finish(const s3::Reply& reply, const std::string& key, events::EventKind kind,
              const std::string& done_line) {
    if (!reply.ok) {
      fmt::print("Failed: {}\n", describe_failure(reply));
      return false;
    }
    fmt::print("{}\n", done_line);
    expect(key, kind, reply.complete);
    return true;
  }

  void expect(const std::string& key, events::EventKind kind, events::TimePoint completed) {
    if (matcher_ == nullptr) return;
    matcher_->expect(options_.bucket, key, kind, completed);
    expected_.push_back({key, kind});
  }

  bool put() {
    const auto key = std::filesystem::path(options_.put_file).filename().string();
    fmt::print("PUT object {} to bucket {}\n", key, options_.bucket);
    const auto content = read_file(options_.put_file, "--put");
    const auto& reply = client_.send(
        {.method = bhttp::verb::put, .bucket = options_.bucket, .key = key, .body = content});
    return finish(
        reply, key, events::EventKind::kObjectCreatedPut,
        fmt::format("Done. Uploaded {} bytes from file: {}", content.size(), options_.put_file));
  }

  bool copy() {
    const auto& src_bucket = options_.copy[0];
    const auto& src_key = options_.copy[1];
    const auto& dest_key = options_.copy[2];
    fmt::print("COPY object {} from {} to {} in {}\n", src_key, src_bucket, dest_key,
               options_.bucket);
    s3::CopyObjectRequest request;
    const auto& reply = client_.send(request.build(options_.bucket, dest_key, src_bucket, src_key));
    return finish(reply, dest_key, events::EventKind::kObjectCreatedCopy, "Done.");
  }

  bool remove() {
    fmt::print("DELETE object {} from bucket {}\n", options_.delete_key, options_.bucket);
    const auto& reply = client_.send(
        {.method = bhttp::verb::delete_, .bucket = options_.bucket, .key = options_.delete_key});
    return finish(reply, options_.delete_key, events::EventKind::kObjectRemovedDelete, "Done.");
  }

  bool post() {
    const auto key = std::filesystem::path(options_.post_file).filename().string();
    fmt::print("POST object {} to bucket {}\n", key, options_.bucket);
    const auto content = read_file(options_.post_file, "--post");
    s3::PostObjectRequest request;
    const auto& reply = client_.send(request.build({.bucket = options_.bucket,
                                                    .key = key,
                                                    .data = content,
                                                    .credentials = &client_.session().credentials(),
                                                    .region = options_.region,
                                                    .time = client_.session().now()}));
    return finish(reply, key, events::EventKind::kObjectCreatedPost,
                  fmt::format("Upload successful (HTTP {}).", reply.status));
  }

  bool multipart() {
    fmt::print("MULTIPART upload {} to bucket {}\n", options_.multipart_key, options_.bucket);
    s3::MultipartUpload upload(client_.session(), 2);
    bool done = false;
    s3::MultipartResult result;
    upload.start({.bucket = options_.bucket,
                  .key = options_.multipart_key,
                  .size = options_.size_mb * 1024 * 1024,
                  .part_size = 5 * 1024 * 1024},
                 {}, [&](const s3::MultipartResult& r) {
                   result = r;
                   done = true;
                 });
    client_.wait(done);
    if (!result.ok) {
      fmt::print("Failed: {}{}\n", result.error_code,
                 result.aborted ? " (the upload was aborted)" : "");
      return false;
    }
    fmt::print("Done. ETag {}\n", result.etag);
    expect(options_.multipart_key, events::EventKind::kObjectCreatedCompleteMultipartUpload,
           result.complete);
    return true;
  }

  const TriggerOptions& options_;
  engine::BlockingClient& client_;
  events::Matcher* matcher_;
  std::vector<Expected> expected_;
};

// Prints one line per expected event: its delivery latency, or that it never came.
bool confirm_events(events::Matcher& matcher, double grace_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s);
  while (std::chrono::steady_clock::now() < deadline) {
    matcher.settle(std::chrono::steady_clock::now());
    if (matcher.missing_so_far() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto summary = matcher.summarize();
  for (const auto& type : summary.types) {
    if (type.expected == 0 && type.unexpected == 0) continue;
    fmt::print("Event {}: expected {}, delivered {}, missing {}, duplicate {}, unexpected {}",
               type.name, type.expected, type.delivered, type.missing, type.duplicate,
               type.unexpected);
    if (type.delivered > 0) {
      fmt::print(", delivered after {:.1f} ms",
                 static_cast<double>(type.delivery_us.max()) / 1000.0);
    }
    fmt::print("\n");
  }
  for (const auto& missing : summary.missing_keys) {
    fmt::print("Missing: {} {}/{}\n", missing.type, missing.bucket, missing.key);
  }
  return summary.total_missing() == 0;
}

int trigger(const TriggerOptions& options_in) {
  TriggerOptions options = options_in;
  const auto aws = load_aws_config(options.profile);
  if (options.endpoint.empty()) {
    if (const auto url = aws.endpoint_url("s3")) options.endpoint = url->value;
    if (options.endpoint.empty()) {
      throw UsageError(
          "--endpoint: no endpoint given, and neither AWS_ENDPOINT_URL(_S3) nor the profile's "
          "endpoint_url is set");
    }
  }
  if (options.region.empty()) {
    const auto region = aws.region();
    options.region = region ? region->value : "us-east-1";
  }
  if (options.put_file.empty() && options.copy.empty() && options.delete_key.empty() &&
      options.post_file.empty() && options.multipart_key.empty()) {
    throw UsageError("trigger: name at least one of --put, --copy, --delkey, --post, --multipart");
  }
  const aws_config::RefreshingCredentials credentials(aws_config::require_credential_source(aws));

  std::unique_ptr<events::Matcher> matcher;
  std::unique_ptr<events::WebhookReceiver> receiver;
  if (!options.expect_events.empty()) {
    matcher = std::make_unique<events::Matcher>();
    events::WebhookOptions webhook;
    webhook.listen = options.expect_events;
    receiver = std::make_unique<events::WebhookReceiver>(webhook, events::matching_sink(*matcher),
                                                         events::confirm_by_fetching);
    receiver->start();
  }

  s3::SessionConfig session;
  session.endpoint = http::Endpoint::parse(options.endpoint);
  session.region = options.region;
  session.credentials = credentials.current();
  session.credential_feed = credentials.feed();
  if (const auto style = aws.addressing_style()) session.virtual_host = style->value == "virtual";
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (session.endpoint.scheme == http::Scheme::kHttps) {
    const auto bundle = aws.ca_bundle();
    tls = http::make_client_tls_context({true, bundle ? bundle->value : std::string()});
  }
  const s3::Payload payload(options.multipart_key.empty() ? 1 : 5 * 1024 * 1024, 1);
  engine::BlockingClient client(session, {}, tls, payload);
  Trigger trigger(options, client, matcher.get());
  bool ok = trigger.run_all();
  if (matcher) ok &= confirm_events(*matcher, options.grace_s);
  if (receiver) receiver->stop();
  return ok ? 0 : 1;
}

}  // namespace

void add_trigger_command(CLI::App& app, Action& action) {
  auto* sub = app.add_subcommand(
      "trigger", "Do the seed walkthrough's operations one by one (and confirm their events)");
  auto options = std::make_shared<TriggerOptions>();
  sub->add_option(
      "--endpoint", options->endpoint,
      "S3 endpoint URL (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the profile's)");
  sub->add_option("--region", options->region, "Region (default: the AWS chain, else us-east-1)");
  add_profile_option(sub, options->profile);
  sub->add_option("--bucket", options->bucket, "Bucket (created if missing)")->required();
  sub->add_option("--put", options->put_file, "PUT this file (its name is the key)");
  sub->add_option("--copy", options->copy, "COPY SRC_BUCKET SRC_KEY DEST_KEY")->expected(3);
  sub->add_option("--delkey", options->delete_key, "DELETE this key");
  sub->add_option("--post", options->post_file, "POST this file as a browser form upload");
  sub->add_option("--multipart", options->multipart_key, "Multipart-upload random bytes to KEY");
  sub->add_option("--size", options->size_mb, "Size in MiB of the multipart upload (default 6)")
      ->check(CLI::Range(1, 5 * 1024));
  sub->add_option("--expect-events", options->expect_events,
                  "Listen for the notifications on HOST:PORT and confirm each one arrived");
  sub->add_option("--grace", options->grace_s, "Seconds to wait for the events (default 10)");
  sub->callback([&action, options] { action = [options] { return trigger(*options); }; });
}

}  // namespace s3storm::cli
