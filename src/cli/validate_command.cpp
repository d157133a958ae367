#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "scenario/loader.hpp"
#include "scenario/plan.hpp"

namespace s3storm::cli {

namespace {
struct ValidateOptions {
  std::string file;
  std::vector<std::string> overrides;
};
}  // namespace

void add_validate_command(CLI::App& app, Action& action) {
  auto* sub = app.add_subcommand(
      "validate", "Check a scenario file without touching the network, and print its plan");
  auto options = std::make_shared<ValidateOptions>();
  sub->add_option("file", options->file, "Scenario YAML file")->required();
  sub->add_option("--set", options->overrides,
                  "Override a value: path=value, e.g. phases.storm.rate=5000/s (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  sub->callback([&action, options] {
    action = [options] {
      try {
        scenario::LoadOptions load;
        load.overrides = options->overrides;
        const auto loaded = scenario::load_scenario_file(options->file, load);
        fmt::print("{}", scenario::format_plan(loaded));
        fmt::print("\n{}: valid\n", options->file);
        return 0;
      } catch (const scenario::ScenarioError& e) {
        // One line per problem, so every error in the file is visible at once.
        for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
        fmt::print(stderr, "{}: {} problem(s) found\n", options->file, e.diagnostics().size());
        return 2;
      }
    };
  });
}

}  // namespace s3storm::cli
