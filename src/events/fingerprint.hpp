#pragma once

#include <cstdint>
#include <string_view>

#include "events/event_type.hpp"

namespace s3storm::events {

// A 64-bit identity for (bucket, key, event type). Once an event is matched the matcher keeps only
// this, so memory stays flat at millions of events; a collision needs ~2^32 distinct identities
// to become likely, far past any run's size.
using Fingerprint = std::uint64_t;

// `other_name` only matters for EventKind::kOther, whose identity is its name.
Fingerprint fingerprint(std::string_view bucket, std::string_view key, EventKind kind,
                        std::string_view other_name = {});

// A 64-bit identity for (bucket, key) whatever the event type: the events of one key are ordered
// by their sequencers across types (a Put, then a Delete).
Fingerprint key_fingerprint(std::string_view bucket, std::string_view key);

// Fingerprints are already well mixed: hash tables keyed by them need no further hashing.
struct FingerprintHash {
  std::size_t operator()(Fingerprint value) const noexcept {
    return static_cast<std::size_t>(value);
  }
};

}  // namespace s3storm::events
