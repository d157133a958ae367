#pragma once

// Which successful operations should cause a notification, from the scenario: none without an
// event source; every notifying operation when the notifications were set up outside the scenario
// (none listed in `setup.notifications`); otherwise those a listed configuration covers (bucket,
// event filter such as "s3:ObjectCreated:*", key prefix and suffix), as S3 itself decides.

#include <string_view>
#include <vector>

#include "events/event_type.hpp"
#include "scenario/model.hpp"

namespace s3storm::engine {

class NotificationRules {
 public:
  explicit NotificationRules(const scenario::Scenario& scenario);
  bool expects(std::string_view bucket, std::string_view key, events::EventKind kind) const;

 private:
  bool enabled_ = false;
  const std::vector<scenario::Notification>* configured_ = nullptr;
};

// Whether an S3 event filter ("s3:ObjectCreated:*", "s3:ObjectRemoved:Delete", ...) covers kind.
bool event_filter_covers(std::string_view filter, events::EventKind kind);

}  // namespace s3storm::engine
