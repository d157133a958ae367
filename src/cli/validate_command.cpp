#include <fmt/core.h>

#include "cli/commands.hpp"

namespace s3storm::cli {

// Placeholder: the scenario work replaces this file.
void add_validate_command(CLI::App& app, Action& action) {
  auto* sub = app.add_subcommand("validate", "Check a scenario file and print its plan");
  sub->allow_extras();
  sub->callback([&action] {
    action = [] {
      fmt::print(stderr, "s3storm validate: not yet implemented\n");
      return 2;
    };
  });
}

}  // namespace s3storm::cli
