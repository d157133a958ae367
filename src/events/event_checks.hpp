#pragma once

// What an event record must say, beyond matching an operation: the fields its eventVersion
// requires, and a sequencer that can be compared. The matcher holds each delivered event to these.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_record.hpp"

namespace s3storm::events {

// A sequencer as a number: AWS documents comparing two of one key by left-padding the shorter with
// zeros and comparing the text, which is comparing their hexadecimal values.
struct SequencerValue {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  friend auto operator<=>(const SequencerValue&, const SequencerValue&) = default;
};

// nullopt for an empty value, a non-hex character, or more than 32 significant digits.
std::optional<SequencerValue> sequencer_value(std::string_view sequencer);

// The RecordField bits a record of this name and eventVersion must carry, following the S3 event
// message structure (versions 2.x): identity, time, region, schema and configuration ids, bucket
// ARN, a sequencer for object creation and removal, and a size and eTag for creations. 0 for an
// EventBridge event (no eventVersion): its detail has its own shape.
std::uint32_t required_fields(std::string_view event_name, std::string_view event_version);

// The names of the RecordField bits in `mask`, as the record spells them: "sequencer, eTag".
std::string field_names(std::uint32_t mask);

}  // namespace s3storm::events
