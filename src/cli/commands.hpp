#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace s3storm::cli {

// What a subcommand does once the whole command line has parsed: parsing never half-runs a
// command. The returned value is the process exit status (0 ok, 1 thresholds failed, 2 bad input).
using Action = std::function<int()>;

void add_sign_command(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);
void add_merge_command(CLI::App& app, Action& action);
void add_listen_command(CLI::App& app, Action& action);
void add_serve_command(CLI::App& app, Action& action);
void add_run_command(CLI::App& app, Action& action);
void add_trigger_command(CLI::App& app, Action& action);
void add_report_command(CLI::App& app, Action& action);
void add_compare_command(CLI::App& app, Action& action);

// Parses the command line and runs the chosen subcommand; returns the exit status.
int run_app(int argc, char** argv);

}  // namespace s3storm::cli
