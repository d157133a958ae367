#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm::scenario {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment, through std::getenv.
EnvLookup process_environment();

// Expands ${VAR} and ${VAR:-default}; "$$" is a literal "$". A variable that is unset and has no
// default, or a malformed reference, throws std::invalid_argument naming it.
std::string expand_env(std::string_view text, const EnvLookup& env);

}  // namespace s3storm::scenario
