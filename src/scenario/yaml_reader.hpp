#pragma once

// Internal to the loader: typed, position-aware reads from yaml-cpp nodes that record every problem
// instead of stopping at the first. Nothing outside src/scenario/ includes this.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/env_expand.hpp"
#include "scenario/model.hpp"
#include "scenario/scenario_error.hpp"

namespace s3storm::scenario::detail {

// A node that came from a --set flag rather than from the file.
struct OverrideNode {
  YAML::Node node;
  std::string flag;
};

class Reader {
 public:
  Reader(std::string file, EnvLookup env) : file_(std::move(file)), env_(std::move(env)) {}

  void add_override_node(YAML::Node node, std::string flag);
  void error(const YAML::Node& at, std::string message);
  void error_flag(const std::string& flag, std::string message);
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  // Reports unknown and duplicate keys of a map (with a did-you-mean hint); false if not a map.
  bool check_map(const YAML::Node& node, std::string_view where,
                 std::initializer_list<std::string_view> allowed);
  // Reports a missing required key; returns whether it is present.
  bool require(const YAML::Node& map, std::string_view key, std::string_view where);

  // A scalar with ${ENV} expanded; nullopt (with a diagnostic) if it is not a scalar.
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what);

  // Each reads map[key] if present; absent keys leave `out` untouched. Problems are reported.
  void read_string(const YAML::Node& map, std::string_view key, std::string& out,
                   bool allow_empty = false);
  void read_bool(const YAML::Node& map, std::string_view key, bool& out);
  void read_int(const YAML::Node& map, std::string_view key, std::int64_t min, std::int64_t max,
                std::int64_t& out);
  void read_int(const YAML::Node& map, std::string_view key, int min, int max, int& out);
  void read_duration(const YAML::Node& map, std::string_view key, bool allow_zero, Duration& out);
  void read_size(const YAML::Node& map, std::string_view key, std::uint64_t min,
                 std::uint64_t& out);

  // Converters from an existing node; nullopt after reporting a problem.
  std::optional<std::int64_t> to_int(const YAML::Node& node, std::string_view what,
                                     std::int64_t min, std::int64_t max);
  std::optional<double> to_number(const YAML::Node& node, std::string_view what);
  std::optional<std::uint64_t> to_size(const YAML::Node& node, std::string_view what);
  std::optional<Duration> to_duration(const YAML::Node& node, std::string_view what,
                                      bool allow_zero);
  std::optional<double> to_rate(const YAML::Node& node, std::string_view what);
  // One of `choices`; reports the allowed values otherwise.
  std::optional<std::string> to_enum(const YAML::Node& node, std::string_view what,
                                     std::initializer_list<std::string_view> choices);

 private:
  const OverrideNode* find_override(const YAML::Node& node) const;

  std::string file_;
  EnvLookup env_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<OverrideNode> overrides_;
};

// The closest candidate by edit distance, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         std::initializer_list<std::string_view> candidates);
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);
std::string join_quoted(std::initializer_list<std::string_view> words);

}  // namespace s3storm::scenario::detail
