#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "events/event_record.hpp"

namespace s3storm::events {

// `text` with what a terminal would act on made visible: C0 controls and DEL as `\xNN` (NUL as
// `\x00`, tab as `\x09`), the C1 controls U+0080..U+009F as `\uNNNN`, and the backslash itself
// as `\\`, so an escape in the output always means an escaped byte. Everything else, other
// UTF-8 included, is kept as is.
std::string visible(std::string_view text);

// The block the seed's Lambda handler prints for one record, every line stamped with
// `local_time` ("2025-11-07T09:41:24"), preceded by an empty line. Each field goes through
// visible().
std::string format_event(const EventRecord& record, std::string_view local_time);

// Local wall-clock time to the second, as the handler stamps its lines.
std::string local_timestamp_now();

// What `listen` prints on Ctrl-C: a count per event type, then the totals.
std::string format_totals(const std::map<std::string, std::uint64_t>& per_type,
                          std::uint64_t test_events, std::uint64_t rejected_requests);

}  // namespace s3storm::events
