#pragma once

// Before the first phase: the buckets exist and carry the notification configuration the
// scenario asks for. After the last: optionally, what the run wrote is deleted.
// Failures here are the user's to fix (wrong endpoint, credentials, region): they throw
// SetupError with one line that says which request failed and what the server answered.

#include <atomic>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/blocking_client.hpp"
#include "scenario/model.hpp"

namespace s3storm::engine {

class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SetupOptions {
  // The embedded target delivers to the run itself: `webhook: true` destinations get this ARN.
  std::string webhook_arn = "arn:s3storm:webhook:::run";
  bool embedded = false;
  // The run's webhook as a URL ("http://127.0.0.1:9900/"): the push endpoint of every topic
  // that names none. Empty when the run has no webhook.
  std::string webhook_url;
};

// Before the buckets' notification configurations, setup.topics are created (or updated: a
// CreateTopic of an existing name replaces its attributes) through the SNS-compatible API that
// Ceph RGW serves on the S3 endpoint. A notification then reaches a topic of the scenario either
// by an ARN whose last part is the topic's name (arn:aws:sns:default::NAME; the ARN the server
// returned is what goes into the configuration), or, on a real target, by `webhook: true` when
// exactly one topic pushes to the run's own webhook.

void run_setup(BlockingClient& client, const scenario::Scenario& scenario,
               const SetupOptions& options);

// Cleanup deletes only what the run's key templates can have written: for each template, the
// objects under its literal prefix ("qs/" for "qs/{worker}/obj-{seq}"). A template that starts
// with a variable has no such prefix, and is refused rather than risk deleting foreign objects.
struct CleanupPlan {
  std::vector<std::pair<std::string, std::string>> prefixes;  // (bucket, prefix)
  std::vector<std::string> refused;                           // templates left alone
};
CleanupPlan plan_cleanup(const scenario::Scenario& scenario);

// Aborts open multipart uploads and deletes the objects under each prefix, a listing page (up to
// 1,000 keys) per DeleteObjects request; one DELETE per key if the server does not implement
// DeleteObjects. `deleted` counts as it goes (the progress line reads it); returns the objects
// that could not be deleted.
std::uint64_t run_cleanup(BlockingClient& client, const CleanupPlan& plan,
                          std::atomic<std::uint64_t>& deleted);

}  // namespace s3storm::engine
