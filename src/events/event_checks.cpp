#include "events/event_checks.hpp"

#include <array>
#include <utility>

#include "util/ascii.hpp"

namespace s3storm::events {

std::optional<SequencerValue> sequencer_value(std::string_view sequencer) {
  if (sequencer.empty()) return std::nullopt;
  SequencerValue value;
  int significant = 0;
  for (const char c : sequencer) {
    int digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (const char lower = ascii::lower(c); lower >= 'a' && lower <= 'f') {
      digit = lower - 'a' + 10;
    } else {
      return std::nullopt;
    }
    if (significant > 0 || digit != 0) ++significant;
    if (significant > 32) return std::nullopt;
    value.high = (value.high << 4) | (value.low >> 60);
    value.low = (value.low << 4) | static_cast<std::uint64_t>(digit);
  }
  return value;
}

std::uint32_t required_fields(std::string_view event_name, std::string_view event_version) {
  if (event_version.empty()) return 0;
  std::uint32_t required = kFieldEventVersion | kFieldEventSource | kFieldAwsRegion |
                           kFieldEventTime | kFieldEventName | kFieldPrincipalId | kFieldRequestId |
                           kFieldS3SchemaVersion | kFieldConfigurationId | kFieldBucketName |
                           kFieldBucketArn | kFieldKey;
  const std::string_view name = strip_s3_prefix(event_name);
  const bool created = name.starts_with("ObjectCreated:");
  if (created || name.starts_with("ObjectRemoved:")) required |= kFieldSequencer;
  if (created) required |= kFieldSize | kFieldEtag;
  return required;
}

std::string field_names(std::uint32_t mask) {
  static constexpr std::array<std::pair<std::uint32_t, std::string_view>, 16> kNames{{
      {kFieldEventVersion, "eventVersion"},
      {kFieldEventSource, "eventSource"},
      {kFieldAwsRegion, "awsRegion"},
      {kFieldEventTime, "eventTime"},
      {kFieldEventName, "eventName"},
      {kFieldPrincipalId, "userIdentity.principalId"},
      {kFieldRequestId, "x-amz-request-id"},
      {kFieldS3SchemaVersion, "s3SchemaVersion"},
      {kFieldConfigurationId, "configurationId"},
      {kFieldBucketName, "bucket.name"},
      {kFieldBucketArn, "bucket.arn"},
      {kFieldKey, "key"},
      {kFieldSize, "size"},
      {kFieldEtag, "eTag"},
      {kFieldSequencer, "sequencer"},
      {kFieldVersionId, "versionId"},
  }};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((mask & bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace s3storm::events
