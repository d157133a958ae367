#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/model.hpp"

namespace s3storm::scenario {

// Parses "put.p99 < 50ms" into a Threshold. phase_names lets "phase.<name>.dropped" be checked.
// Throws std::invalid_argument with a message that says what is allowed.
Threshold parse_threshold(std::string_view expression, const std::vector<std::string>& phase_names);

}  // namespace s3storm::scenario
