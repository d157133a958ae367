#pragma once

// The one way into a Scenario: read, expand ${ENV}, apply --set overrides, validate everything
// that can be checked without a network. Any problem throws ScenarioError listing all of them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/env_expand.hpp"
#include "scenario/model.hpp"
#include "scenario/scenario_error.hpp"

namespace s3storm::scenario {

struct LoadOptions {
  std::vector<std::string> overrides;  // "path=value" from --set, e.g. "phases.storm.rate=5000/s"
  EnvLookup env = process_environment();
  // The seed when the file names none; when unset, one is drawn from std::random_device.
  std::optional<std::uint64_t> default_seed;
};

Scenario load_scenario_file(const std::string& path, const LoadOptions& options = {});
// display_name is used in messages in place of a file name.
Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            const LoadOptions& options = {});

}  // namespace s3storm::scenario
