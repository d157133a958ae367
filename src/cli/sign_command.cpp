#include <fmt/core.h>

#include "cli/commands.hpp"

namespace s3storm::cli {

// Placeholder: the sigv4 work replaces this file.
void add_sign_command(CLI::App& app, Action& action) {
  auto* sub = app.add_subcommand("sign", "Show how one request is signed (SigV4)");
  sub->allow_extras();
  sub->callback([&action] {
    action = [] {
      fmt::print(stderr, "s3storm sign: not yet implemented\n");
      return 2;
    };
  });
}

}  // namespace s3storm::cli
