#include "engine/notification_rules.hpp"

namespace s3storm::engine {

NotificationRules::NotificationRules(const scenario::Scenario& scenario)
    : enabled_(scenario.events.source != scenario::EventSource::kNone),
      configured_(scenario.setup.notifications.empty() ? nullptr : &scenario.setup.notifications) {}

bool event_filter_covers(std::string_view filter, events::EventKind kind) {
  const auto name = events::event_kind_name(kind);  // "ObjectCreated:Put"
  filter = events::strip_s3_prefix(filter);
  if (filter == name) return true;
  if (filter.size() >= 2 && filter.substr(filter.size() - 2) == ":*") {
    const auto family = filter.substr(0, filter.size() - 1);  // "ObjectCreated:"
    return name.substr(0, family.size()) == family;
  }
  return false;
}

bool NotificationRules::expects(std::string_view bucket, std::string_view key,
                                events::EventKind kind) const {
  if (!enabled_) return false;
  if (configured_ == nullptr) return true;
  for (const auto& notification : *configured_) {
    if (notification.bucket != bucket) continue;
    if (key.substr(0, notification.prefix.size()) != notification.prefix) continue;
    if (key.size() < notification.suffix.size() ||
        key.substr(key.size() - notification.suffix.size()) != notification.suffix) {
      continue;
    }
    for (const auto& filter : notification.events) {
      if (event_filter_covers(filter, kind)) return true;
    }
  }
  return false;
}

}  // namespace s3storm::engine
