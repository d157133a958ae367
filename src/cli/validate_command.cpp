#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "aws_config/credential_source.hpp"
#include "aws_config/scenario_target.hpp"
#include "cli/aws_options.hpp"
#include "cli/commands.hpp"
#include "scenario/loader.hpp"
#include "scenario/plan.hpp"

namespace s3storm::cli {

namespace {
struct ValidateOptions {
  std::string file;
  std::vector<std::string> overrides;
  std::string profile;
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
  add_profile_option(sub, options->profile);
  sub->callback([&action, options] {
    action = [options] {
      try {
        scenario::LoadOptions load;
        load.overrides = options->overrides;
        auto loaded = scenario::load_scenario_file(options->file, load);
        // What `run` would use, read from the environment and files only: nothing is fetched.
        const auto aws = load_aws_config(options->profile);
        aws_config::apply_to_target(aws, loaded.target);
        fmt::print("{}", scenario::format_plan(loaded));
        if (loaded.target.credentials.from_env) {
          const auto source = aws_config::find_credential_source(aws);
          fmt::print("credentials: {}\n",
                     source ? source->description
                     : loaded.target.is_embedded()
                         ? std::string("none found; the embedded target's own keys")
                         : std::string("none found (run would stop)"));
        }
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
