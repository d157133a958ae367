#pragma once

#include <string>
#include <string_view>

#include "util/environment.hpp"

namespace s3storm::scenario {

using util::EnvLookup;
using util::process_environment;

// Expands ${VAR} and ${VAR:-default}; "$$" is a literal "$". A variable that is unset and has no
// default, or a malformed reference, throws std::invalid_argument naming it.
std::string expand_env(std::string_view text, const EnvLookup& env);

}  // namespace s3storm::scenario
