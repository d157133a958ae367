#pragma once

// One way to read environment variables, so that the scenario loader and the credential chain
// can both be handed a fake environment in tests.

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm::util {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment, through std::getenv.
inline EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

}  // namespace s3storm::util
