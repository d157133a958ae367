#include "scenario/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "scenario/overrides.hpp"
#include "scenario/sections.hpp"
#include "scenario/yaml_reader.hpp"

namespace s3storm::scenario {

namespace {

std::string line_at(std::string_view text, int line) {
  std::size_t start = 0;
  for (int n = 0; n < line && start != std::string_view::npos; ++n) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > text.size()) return {};
  const auto end = text.find('\n', start);
  std::string result(text.substr(start, end == std::string_view::npos ? end : end - start));
  if (!result.empty() && result.back() == '\r') result.pop_back();
  return result;
}

[[noreturn]] void throw_sorted(std::vector<Diagnostic> diagnostics) {
  // Flag problems first, then the file in reading order: the order a person fixes them in.
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
    if (a.flag.empty() != b.flag.empty()) return !a.flag.empty();
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  throw ScenarioError(std::move(diagnostics));
}

void read_document(detail::Reader& r, const YAML::Node& root, Scenario& s) {
  if (!r.check_map(root, "the scenario file",
                   {"description", "target", "setup", "events", "phases", "thresholds", "report",
                    "seed", "content"})) {
    return;
  }
  if (const YAML::Node n = root["description"]) (void)r.scalar(n, "description");
  if (const YAML::Node n = root["target"]) detail::read_target(r, n, s.target);
  if (const YAML::Node n = root["setup"]) detail::read_setup(r, n, s.setup);
  if (const YAML::Node n = root["events"]) detail::read_events(r, n, s.events);
  if (r.require(root, "phases", "the scenario file")) {
    detail::read_phases(r, root["phases"], s.target.bucket, s.target.endpoints.size(), s.phases);
    detail::check_search_events(r, root["phases"], s.events);
  }
  if (const YAML::Node n = root["thresholds"]) {
    std::vector<std::string> names;
    for (const auto& p : s.phases) names.push_back(p.name);
    detail::read_thresholds(r, n, names, s.target.endpoints.size(), s.events, s.thresholds);
  }
  if (const YAML::Node n = root["report"]) detail::read_report(r, n, s.report);
  if (const YAML::Node n = root["content"]) {
    if (auto mode = detail::read_content_mode(r, n)) s.content = *mode;
  }
  detail::apply_default_content(s.phases, s.content);
  if (const YAML::Node n = root["seed"]) {
    auto text = r.scalar(n, "seed");
    if (text) {
      std::uint64_t value = 0;
      std::istringstream in(*text);
      // Digits only: istream would accept "-1" and wrap it.
      if (!text->empty() &&
          std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          (in >> value) && in.eof()) {
        s.seed = value;
        s.seed_given = true;
      } else {
        r.error(
            n, "'seed' must be a whole number from 0 to 18446744073709551615, got '" + *text + "'");
      }
    }
  }
}

}  // namespace

Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            const LoadOptions& options) {
  detail::Reader reader(display_name, options.env);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    Diagnostic d;
    d.file = display_name;
    d.line = e.mark.line + 1;
    d.column = e.mark.column + 1;
    d.message = "YAML syntax error: " + e.msg;
    d.source_line = line_at(text, e.mark.line);
    throw ScenarioError({d});
  }
  if (!root.IsDefined() || root.IsNull()) {
    Diagnostic d;
    d.file = display_name;
    d.message = "the scenario file is empty; it needs at least 'phases'";
    throw ScenarioError({d});
  }
  detail::apply_overrides(root, options.overrides, reader);
  Scenario scenario;
  scenario.source_name = display_name;
  read_document(reader, root, scenario);
  if (!reader.diagnostics().empty()) throw_sorted(std::move(reader.diagnostics()));
  if (!scenario.seed_given) {
    scenario.seed =
        options.default_seed
            ? *options.default_seed
            : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  }
  return scenario;
}

Scenario load_scenario_file(const std::string& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostic d;
    d.file = path;
    d.message = "cannot open the scenario file";
    throw ScenarioError({d});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, options);
}

}  // namespace s3storm::scenario
