#include <fmt/core.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "aws_config/credential_source.hpp"
#include "aws_config/refreshing_credentials.hpp"
#include "aws_config/scenario_target.hpp"
#include "cli/aws_options.hpp"
#include "cli/commands.hpp"
#include "cli/embedded_local_target.hpp"
#include "engine/scenario_run.hpp"
#include "engine/setup.hpp"
#include "report/html_writer.hpp"
#include "report/json_writer.hpp"
#include "report/junit_writer.hpp"
#include "report/text_report.hpp"
#include "report/thresholds.hpp"
#include "scenario/loader.hpp"
#include "scenario/shard.hpp"
#include "scenario/threshold_parser.hpp"
#include "scenario/units.hpp"
#include "util/iso_time.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

struct RunCliOptions {
  std::string file;
  std::vector<std::string> overrides;
  std::vector<std::string> thresholds;
  std::string json;
  std::string junit;
  std::string html;
  std::size_t threads = 0;
  bool insecure = false;
  bool quiet = false;
  std::string shard;    // "I/N"
  std::string metrics;  // HOST:PORT
  bool metrics_remote = false;
  std::string metrics_linger;  // a duration, e.g. 30s
  std::string profile;         // --profile
  std::string start_at;        // ISO 8601 UTC, or +DURATION from now
};

std::atomic<int> g_stop{0};  // the first stopping signal's number
std::atomic<int> g_interrupts{0};

extern "C" void on_interrupt(int signal) {
  // The first signal drains and still reports; a second one means "now".
  if (g_interrupts.fetch_add(1) > 0) std::_Exit(128 + signal);
  int none = 0;
  g_stop.compare_exchange_strong(none, signal);
}

// --metrics-linger DURATION: bounded, since a forgotten linger would hold a CI job or a pod.
std::chrono::milliseconds parse_metrics_linger(const std::string& text,
                                               const std::string& metrics) {
  std::chrono::nanoseconds linger{};
  try {
    linger = scenario::parse_duration(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("--metrics-linger {}: {}", text, e.what()));
  }
  if (linger > std::chrono::hours(1)) {
    throw UsageError(fmt::format("--metrics-linger {}: at most 1h", text));
  }
  if (metrics.empty()) throw UsageError("--metrics-linger needs --metrics HOST:PORT");
  return std::chrono::duration_cast<std::chrono::milliseconds>(linger);
}

// --start-at TIME: a wall-clock time (2026-12-04T17:00:00Z) every shard is given, or +DURATION
// from now for one run. A time already past is a mistake (a shard started too late would run
// out of step with the others), except by a second of clock skew; more than a day ahead is a typo.
std::chrono::system_clock::time_point parse_start_at(const std::string& text) {
  const auto now = std::chrono::system_clock::now();
  std::chrono::system_clock::time_point at;
  if (!text.empty() && text.front() == '+') {
    try {
      at = now + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                     scenario::parse_duration(std::string_view(text).substr(1)));
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--start-at {}: {}", text, e.what()));
    }
  } else if (const auto parsed = parse_iso8601(text)) {
    at = *parsed;
  } else {
    throw UsageError(fmt::format(
        "--start-at {}: expected a UTC time like 2026-12-04T17:00:00Z, or +DURATION like +30s",
        text));
  }
  if (at < now - std::chrono::seconds(1)) {
    throw UsageError(fmt::format("--start-at {}: that is {:.1f} s in the past", text,
                                 std::chrono::duration<double>(now - at).count()));
  }
  if (at > now + std::chrono::hours(24)) {
    throw UsageError(fmt::format("--start-at {}: more than 24h from now", text));
  }
  return at;
}

void write_json(const report::RunReport& run, const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  report::write_json_file(run, path);
}

int run(const RunCliOptions& options) {
  scenario::LoadOptions load;
  load.overrides = options.overrides;
  scenario::Scenario loaded;
  try {
    loaded = scenario::load_scenario_file(options.file, load);
  } catch (const scenario::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
    fmt::print(stderr, "{}: {} problem(s) found; nothing was sent\n", options.file,
               e.diagnostics().size());
    return 2;
  }
  std::vector<std::string> phase_names;
  for (const auto& phase : loaded.phases) phase_names.push_back(phase.name);
  for (const auto& expression : options.thresholds) {
    try {
      auto threshold =
          scenario::parse_threshold(expression, phase_names, loaded.target.endpoints.size());
      if (const auto why = scenario::unmeasurable_without_events(threshold, loaded.events)) {
        throw UsageError(fmt::format("--threshold '{}' {}", expression, *why));
      }
      loaded.thresholds.push_back(std::move(threshold));
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--threshold '{}': {}", expression, e.what()));
    }
  }

  engine::RunOptions run_options;
  // The AWS environment and profile fill what the scenario leaves out; temporary credentials are
  // refreshed until the run ends.
  const auto aws = load_aws_config(options.profile);
  aws_config::apply_to_target(aws, loaded.target);
  std::unique_ptr<aws_config::RefreshingCredentials> credentials;
  if (loaded.target.credentials.from_env) {
    // The local target takes whatever is found, and its own keys when nothing is.
    auto source = loaded.target.is_embedded()
                      ? aws_config::find_credential_source(aws)
                      : std::optional(aws_config::require_credential_source(aws));
    if (source) {
      credentials = std::make_unique<aws_config::RefreshingCredentials>(std::move(*source));
      run_options.credentials = credentials->feed();
    }
  }
  if (!options.shard.empty()) {
    try {
      run_options.shard = scenario::parse_shard(options.shard);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--shard {}", e.what()));
    }
  }
  run_options.metrics_address = options.metrics;
  run_options.metrics_remote = options.metrics_remote;
  if (!options.metrics_linger.empty()) {
    run_options.metrics_linger = parse_metrics_linger(options.metrics_linger, options.metrics);
  }
  if (!options.start_at.empty()) run_options.start_at = parse_start_at(options.start_at);
  if (options.threads > 0) run_options.threads = options.threads;
  run_options.insecure = options.insecure;
  run_options.stop = &g_stop;
  run_options.progress = options.quiet ? nullptr : stderr;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);

  // The reports are written as soon as the run is over, before any --metrics-linger.
  const auto write_reports = [&](engine::RunResult& finished) {
    report::RunReport& result = finished.report;
    result.thresholds = report::evaluate_thresholds(result, loaded.thresholds);
    fmt::print("{}", report::format_text_report(result));
    std::fflush(stdout);
    const std::string json = options.json.empty() ? loaded.report.json : options.json;
    if (!json.empty()) write_json(result, json);
    const std::string junit = options.junit.empty() ? loaded.report.junit : options.junit;
    if (!junit.empty()) report::write_junit_file(result, junit);
    const std::string html = options.html.empty() ? loaded.report.html : options.html;
    if (!html.empty()) report::write_html_file(result, html);
  };
  engine::RunResult outcome;
  EmbeddedLocalTarget local_target;
  try {
    outcome = engine::run_scenario(loaded, run_options, local_target, write_reports);
  } catch (const engine::SetupError& e) {
    fmt::print(stderr, "s3storm: {}\n", e.what());
    return 2;
  }
  report::RunReport& result = outcome.report;
  if (run_options.shard.sharded() && result.events.source != "none") {
    fmt::print(stderr, "s3storm: shard {}/{}: {} event(s) for other shards' keys left to them\n",
               run_options.shard.index, run_options.shard.count, outcome.foreign_events);
  }
  for (const auto& failed : outcome.aborted_by) {
    fmt::print(stderr,
               "s3storm: stopped at {:.1f}s: abort_on_fail threshold '{}' failed (measured {}); "
               "the report covers what ran\n",
               outcome.aborted_at_s, failed.expr, report::format_measured(failed));
  }
  // A signal during --metrics-linger only ends the linger: the run itself was whole.
  if (const int signal = g_stop.load(); signal != 0 && !result.interrupted_by.empty()) {
    // As shells report a process a signal ended, whatever the thresholds said: a Kubernetes shard
    // that was evicted must not look like one that passed.
    fmt::print(stderr, "s3storm: interrupted by {}; the report covers what ran\n",
               result.interrupted_by);
    return 128 + signal;
  }
  // A threshold that stopped the run failed, even if the full run's numbers recovered.
  if (!outcome.aborted_by.empty()) return 1;
  return report::all_passed(result.thresholds) ? 0 : 1;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto* sub = app.add_subcommand("run", "Run a scenario against an S3 endpoint and report");
  auto options = std::make_shared<RunCliOptions>();
  sub->add_option("file", options->file, "Scenario YAML file")->required();
  sub->add_option("--set", options->overrides,
                  "Override a value: path=value, e.g. phases.storm.rate=5000/s (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--threshold", options->thresholds,
                  "A threshold besides the scenario's, e.g. 'put.p99 < 50ms' (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--json", options->json, "Write the JSON report here (overrides report.json)");
  sub->add_option("--junit", options->junit,
                  "Write a JUnit XML verdict here (overrides report.junit)");
  sub->add_option("--html", options->html,
                  "Write the self-contained HTML report here (overrides report.html)");
  sub->add_option("--threads", options->threads, "Worker threads (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  sub->add_flag("--insecure", options->insecure, "Do not verify the endpoint's TLS certificate");
  sub->add_flag("--quiet", options->quiet, "No progress lines");
  add_profile_option(sub, options->profile);
  sub->add_option("--shard", options->shard,
                  "Run shard I of N (I/N, e.g. 0/4): its part of the keys, rate and iterations");
  sub->add_option("--metrics", options->metrics,
                  "Serve Prometheus metrics at http://HOST:PORT/metrics during the run "
                  "(e.g. 127.0.0.1:9464; port 0: any free port)");
  sub->add_flag("--metrics-remote", options->metrics_remote,
                "Allow a --metrics address that is not loopback");
  sub->add_option("--metrics-linger", options->metrics_linger,
                  "Keep serving --metrics this long after the run (e.g. 30s, at most 1h), "
                  "for the last scrape; Ctrl-C ends it");
  sub->add_option("--start-at", options->start_at,
                  "Start the first phase at this UTC time (e.g. 2026-12-04T17:00:00Z; or +30s), "
                  "after setup: shards given the same time start together");
  sub->callback([&action, options] { action = [options] { return run(*options); }; });
}

}  // namespace s3storm::cli
