#include "target/event_router.hpp"

#include "target/s3_error.hpp"

namespace s3storm::target {

bool event_selected(std::string_view configured, std::string_view event_name) {
  if (configured.substr(0, 3) == "s3:") configured.remove_prefix(3);
  if (configured == event_name) return true;
  if (configured.size() >= 2 && configured.substr(configured.size() - 2) == ":*") {
    const std::string_view family = configured.substr(0, configured.size() - 1);  // "X:"
    return event_name.substr(0, family.size()) == family;
  }
  return false;
}

bool EventRouter::may_emit(const std::string& bucket) const {
  if (emit_unconfigured_) return true;
  try {
    return store_.notification_rules(bucket) != nullptr;
  } catch (const S3Error&) {
    return false;  // the bucket went away meanwhile: nobody to notify
  }
}

std::uint64_t EventRouter::sequencer_for(const EventDetails& event) {
  const std::uint64_t next = next_sequencer();
  if (faults_.plan().event_reorder <= 0) return next;
  std::lock_guard lock(last_sequencer_mutex_);
  auto [last, first] = last_sequencer_.try_emplace(event.bucket + '/' + event.key, next);
  if (first) return next;
  // Below the key's previous event's: the operation came later, its event says earlier.
  if (faults_.next_event_reorder()) {
    ++reordered_;
    last->second -= 1;
  } else {
    last->second = next;
  }
  return last->second;
}

void EventRouter::emit(EventDetails event) {
  std::shared_ptr<const NotificationRules> rules;
  try {
    rules = store_.notification_rules(event.bucket);
  } catch (const S3Error&) {
    return;  // the bucket went away meanwhile: nobody to notify
  }
  bool selected = false;
  if (rules) {
    for (const auto& rule : *rules) {
      if (!rule.filters_key(event.key)) continue;
      for (const auto& name : rule.events) {
        if (event_selected(name, event.event_name)) {
          selected = true;
          event.configuration_id = rule.id;
          break;
        }
      }
      if (selected) break;
    }
  } else {
    selected = emit_unconfigured_;
  }
  if (!selected) return;

  event.sequencer = format_sequencer(sequencer_for(event));
  event.region = region_;
  const int copies = faults_.next_event_copies();
  if (copies == 0) ++dropped_;
  if (copies == 2) ++duplicated_;
  ++emitted_;
  if (copies == 0) return;
  // Only events that carry a size and an eTag (ObjectCreated:*) have content to get wrong; the
  // odd ones get a size one too large, the even ones another eTag.
  if (!event.etag.empty() && event.size && faults_.next_event_corrupt()) {
    if (corrupted_.fetch_add(1) % 2 == 0) {
      ++*event.size;
    } else {
      event.etag.front() = event.etag.front() == '0' ? '1' : '0';
    }
  }
  std::string message = event_message_json(event);
  if (faults_.next_event_delay()) {
    ++delayed_;
    const auto delay = faults_.plan().event_delay;
    if (copies == 2) dispatcher_.enqueue_after(message, delay);
    dispatcher_.enqueue_after(std::move(message), delay);
    return;
  }
  if (copies == 2) dispatcher_.enqueue(message);
  dispatcher_.enqueue(std::move(message));
}

}  // namespace s3storm::target
