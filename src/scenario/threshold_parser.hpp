#pragma once

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

}  // namespace s3storm::scenario
