#pragma once

// The AWS conventions under a scenario's target: what the scenario (or --set) wrote wins; the
// endpoint, region, addressing style and CA bundle it leaves out come from the environment and
// the profile (aws_config.hpp).

#include "aws_config/aws_config.hpp"
#include "scenario/model.hpp"

namespace s3storm::aws_config {

// Throws UsageError naming the variable or file of a value that does not fit (an endpoint with a
// path, a CA bundle that does not exist).
void apply_to_target(const AwsConfig& config, scenario::Target& target);

}  // namespace s3storm::aws_config
