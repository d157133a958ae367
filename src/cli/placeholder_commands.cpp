#include <fmt/core.h>

#include <array>

#include "cli/commands.hpp"

namespace s3storm::cli {

// Subcommands whose issue has not landed yet: they exist so that --help shows the whole tool,
// and they fail loudly (exit 2) rather than pretend to work.
void add_placeholder_commands(CLI::App& app, Action& action) {
  struct Pending {
    const char* name;
    const char* description;
  };
  static constexpr std::array<Pending, 3> kPending{{
      {"run", "Run a scenario against an S3 endpoint and report (not yet implemented)"},
      {"serve", "Serve the embedded in-memory S3 target (not yet implemented)"},
      {"listen", "Print bucket event notifications as they arrive (not yet implemented)"},
  }};
  for (const auto& pending : kPending) {
    auto* sub = app.add_subcommand(pending.name, pending.description);
    sub->allow_extras();
    sub->callback([&action, name = pending.name] {
      action = [name] {
        fmt::print(stderr, "s3storm {}: not yet implemented\n", name);
        return 2;
      };
    });
  }
}

}  // namespace s3storm::cli
