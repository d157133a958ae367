#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "scenario/yaml_reader.hpp"

namespace s3storm::scenario::detail {

// Applies "a.b.c=value" overrides to the parsed document before it is read. Phases are addressed
// by name (phases.storm.rate), other lists by index (thresholds.0). Missing map keys are created;
// problems are reported against the flag.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, Reader& reader);

}  // namespace s3storm::scenario::detail
