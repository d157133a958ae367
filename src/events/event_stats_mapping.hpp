#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "events/match_summary.hpp"
#include "stats/event_stats.hpp"

namespace s3storm::events {

// The report's view of a run's events. Listed keys read "bucket/key (ObjectCreated:Put)".
stats::EventStats to_event_stats(const MatchSummary& summary, std::string source,
                                 const std::map<int, std::uint64_t>& receiver_rejects = {});

}  // namespace s3storm::events
