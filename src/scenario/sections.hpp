#pragma once

// Internal to the loader: one reader per top-level section of the scenario file.

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "scenario/model.hpp"
#include "scenario/yaml_reader.hpp"

namespace s3storm::scenario::detail {

void read_target(Reader& r, const YAML::Node& node, Target& out);
void read_setup(Reader& r, const YAML::Node& node, Setup& out);
void read_events(Reader& r, const YAML::Node& node, Events& out);
void read_report(Reader& r, const YAML::Node& node, Report& out);
// `events` is read first: without an event source an events.* threshold is refused.
// endpoint_count: target.endpoints' (0 without them), for endpoint[N] thresholds.
void read_thresholds(Reader& r, const YAML::Node& node, const std::vector<std::string>& phases,
                     std::size_t endpoint_count, const Events& events, std::vector<Threshold>& out);
// default_bucket is target.bucket; steps inherit it when neither they nor the phase name one.
// endpoint_count: target.endpoints' (0 without them), for a search's endpoint[N] until.
void read_phases(Reader& r, const YAML::Node& node, const std::string& default_bucket,
                 std::size_t endpoint_count, std::vector<Phase>& out);

// A phase's `search:` (search_section.cpp); check_search_alone reports the pacing and stop keys
// a search phase must not have. endpoint_count as read_phases'.
void read_search(Reader& r, const YAML::Node& node, std::size_t endpoint_count, Phase& phase);
void check_search_alone(Reader& r, const YAML::Node& node, const Phase& phase);
// Refuses a search's `until` on events when the scenario has no event source; `phases` is the
// scenario's `phases:` node.
void check_search_events(Reader& r, const YAML::Node& phases, const Events& events);

// `content: repeat | random` (a step's, or the scenario's default).
std::optional<Content> read_content_mode(Reader& r, const YAML::Node& node);
// Gives the steps that name no content the scenario's default.
void apply_default_content(std::vector<Phase>& phases, Content content);

// S3 bucket naming rules (3-63 chars of a-z 0-9 . -, starting and ending with a letter or digit).
bool valid_bucket_name(const std::string& name);
void check_bucket_name(Reader& r, const YAML::Node& at, const std::string& name);
// The buckets setup creates or configures for `name`: itself, or every bucket of a template
// (scenario/bucket_template.hpp); a bad template is reported at `at`.
std::vector<std::string> setup_buckets(Reader& r, const YAML::Node& at, const std::string& name);

}  // namespace s3storm::scenario::detail
