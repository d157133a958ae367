#include <fmt/core.h>

#include <exception>

#include "cli/commands.hpp"
#include "s3storm/version.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

int run_app(int argc, char** argv) {
  CLI::App app{
      "s3storm: scripted, concurrent load for S3-compatible stores, with the bucket "
      "event notifications it triggers counted and timed."};
  app.set_version_flag("--version", std::string("s3storm ") + kVersion);
  app.require_subcommand(1);

  Action action;
  add_sign_command(app, action);
  add_validate_command(app, action);
  add_merge_command(app, action);
  add_listen_command(app, action);
  add_serve_command(app, action);
  add_run_command(app, action);
  add_trigger_command(app, action);
  add_report_command(app, action);
  add_compare_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    return action ? action() : 2;
  } catch (const UsageError& e) {
    fmt::print(stderr, "s3storm: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "s3storm: internal error: {}\n", e.what());
    return 3;
  }
}

}  // namespace s3storm::cli
