#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/model.hpp"

namespace s3storm::scenario {

// Parses "put.p99 < 50ms" into a Threshold. phase_names lets "phase.<name>.dropped" be checked,
// endpoint_count (target.endpoints, 0 without them) "endpoint[N].errors.rate".
// Throws std::invalid_argument with a message that says what is allowed.
//
// The metric is stored split at dots, "endpoint[N]" as {"endpoint", "N"}:
// "endpoint[1].put.p99" -> {"endpoint", "1", "put", "p99"}.
Threshold parse_threshold(std::string_view expression, const std::vector<std::string>& phase_names,
                          std::size_t endpoint_count = 0);

// Why a run with `events` cannot judge `threshold`, or nullopt when it can. Without an event
// source no event is expected, so every events.* measure holds ("events.missing == 0" always
// passes): such a threshold is refused rather than reported as passed.
std::optional<std::string> unmeasurable_without_events(const Threshold& threshold,
                                                       const Events& events);
// The same for a saved report, whose events section says whether its run checked events.
std::optional<std::string> unmeasurable_without_events(const Threshold& threshold,
                                                       bool events_checked);

}  // namespace s3storm::scenario
