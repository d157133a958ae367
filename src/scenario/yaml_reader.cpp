#include "scenario/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>

#include "scenario/units.hpp"

namespace s3storm::scenario::detail {

namespace {

const char* describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "nothing";
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    default:
      return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

template <typename Range>
std::optional<std::string> closest(std::string_view word, const Range& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    // A third of the word may be wrong (at least 1, at most 3 edits): typos, not other words.
    const std::size_t limit = std::clamp<std::size_t>(std::string_view(c).size() / 3, 1, 3);
    if (d <= limit && (!best || d < best_distance)) {
      best = std::string(c);
      best_distance = d;
    }
  }
  return best;
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word,
                                         std::initializer_list<std::string_view> candidates) {
  return closest(word, candidates);
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  return closest(word, candidates);
}

std::string join_quoted(std::initializer_list<std::string_view> words) {
  std::string text;
  for (const auto& w : words) {
    if (!text.empty()) text += ", ";
    text += "'" + std::string(w) + "'";
  }
  return text;
}

void Reader::add_override_node(YAML::Node node, std::string flag) {
  overrides_.push_back({std::move(node), std::move(flag)});
}

const OverrideNode* Reader::find_override(const YAML::Node& node) const {
  for (const auto& o : overrides_) {
    if (o.node.is(node)) return &o;
  }
  return nullptr;
}

void Reader::error(const YAML::Node& at, std::string message) {
  Diagnostic d;
  d.file = file_;
  d.message = std::move(message);
  const YAML::Mark mark = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  if (mark.line >= 0) {
    d.line = mark.line + 1;
    d.column = mark.column + 1;
  } else if (const auto* o = find_override(at)) {
    d.flag = o->flag;
  } else if (!overrides_.empty()) {
    // Only --set creates nodes without a position; name the last flag that did.
    d.flag = overrides_.back().flag;
  }
  diagnostics_.push_back(std::move(d));
}

void Reader::error_flag(const std::string& flag, std::string message) {
  Diagnostic d;
  d.file = file_;
  d.flag = flag;
  d.message = std::move(message);
  diagnostics_.push_back(std::move(d));
}

bool Reader::check_map(const YAML::Node& node, std::string_view where,
                       std::initializer_list<std::string_view> allowed) {
  if (!node.IsDefined() || !node.IsMap()) {
    error(node, std::string(where) + " must be a map, got " + describe(node));
    return false;
  }
  std::map<std::string, YAML::Mark> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies, not references: the iterator hands out a temporary pair.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    // Keys created by --set have no position; the value node carries the flag.
    const YAML::Node& at = key.Mark().line >= 0 ? key : value;
    if (!key.IsScalar()) {
      error(at, "keys in " + std::string(where) + " must be plain names");
      continue;
    }
    const std::string name = key.Scalar();
    if (auto [pos, inserted] = seen.emplace(name, key.Mark()); !inserted) {
      error(at, "duplicate key '" + name + "' in " + std::string(where) + " (first at line " +
                    std::to_string(pos->second.line + 1) + ")");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    if (auto hint = closest_match(name, allowed)) {
      error(at, "unknown key '" + name + "' in " + std::string(where) + "; did you mean '" + *hint +
                    "'?");
    } else {
      error(at, "unknown key '" + name + "' in " + std::string(where) +
                    "; allowed: " + join_quoted(allowed));
    }
  }
  return true;
}

bool Reader::require(const YAML::Node& map, std::string_view key, std::string_view where) {
  if (map[std::string(key)]) return true;
  error(map, std::string(where) + " needs '" + std::string(key) + "'");
  return false;
}

std::optional<std::string> Reader::scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsDefined() || !node.IsScalar()) {
    error(node, std::string(what) + " must be a single value, got " + describe(node));
    return std::nullopt;
  }
  try {
    return expand_env(node.Scalar(), env_);
  } catch (const std::invalid_argument& e) {
    error(node, e.what());
    return std::nullopt;
  }
}

void Reader::read_string(const YAML::Node& map, std::string_view key, std::string& out,
                         bool allow_empty) {
  const YAML::Node node = map[std::string(key)];
  if (!node) return;
  if (auto value = scalar(node, key)) {
    if (value->empty() && !allow_empty) {
      error(node, "'" + std::string(key) + "' must not be empty");
      return;
    }
    out = *value;
  }
}

void Reader::read_bool(const YAML::Node& map, std::string_view key, bool& out) {
  const YAML::Node node = map[std::string(key)];
  if (!node) return;
  if (auto value = to_enum(node, key, {"true", "false"})) out = *value == "true";
}

std::optional<std::int64_t> Reader::to_int(const YAML::Node& node, std::string_view what,
                                           std::int64_t min, std::int64_t max) {
  auto text = scalar(node, what);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size()) {
    error(node, "'" + std::string(what) + "' must be a whole number, got '" + *text + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    if (min == 1 && value <= 0) {
      error(node, "'" + std::string(what) + "' must be positive, got " + *text);
    } else {
      error(node, "'" + std::string(what) + "' must be from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", got " + *text);
    }
    return std::nullopt;
  }
  return value;
}

void Reader::read_int(const YAML::Node& map, std::string_view key, std::int64_t min,
                      std::int64_t max, std::int64_t& out) {
  const YAML::Node node = map[std::string(key)];
  if (!node) return;
  if (auto v = to_int(node, key, min, max)) out = *v;
}

void Reader::read_int(const YAML::Node& map, std::string_view key, int min, int max, int& out) {
  std::int64_t wide = out;
  read_int(map, key, std::int64_t{min}, std::int64_t{max}, wide);
  out = static_cast<int>(wide);
}

std::optional<double> Reader::to_number(const YAML::Node& node, std::string_view what) {
  auto text = scalar(node, what);
  if (!text) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size()) {
    error(node, "'" + std::string(what) + "' must be a number, got '" + *text + "'");
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> Reader::to_size(const YAML::Node& node, std::string_view what) {
  auto text = scalar(node, what);
  if (!text) return std::nullopt;
  try {
    return parse_size(*text);
  } catch (const std::invalid_argument& e) {
    error(node, "'" + std::string(what) + "': " + e.what());
    return std::nullopt;
  }
}

std::optional<Duration> Reader::to_duration(const YAML::Node& node, std::string_view what,
                                            bool allow_zero) {
  auto text = scalar(node, what);
  if (!text) return std::nullopt;
  try {
    const Duration d = parse_duration(*text);
    if (d.count() == 0 && !allow_zero) {
      error(node, "'" + std::string(what) + "' must be longer than zero, got '" + *text + "'");
      return std::nullopt;
    }
    return d;
  } catch (const std::invalid_argument& e) {
    error(node, "'" + std::string(what) + "': " + e.what());
    return std::nullopt;
  }
}

std::optional<double> Reader::to_rate(const YAML::Node& node, std::string_view what) {
  auto text = scalar(node, what);
  if (!text) return std::nullopt;
  try {
    const double rate = parse_rate_per_second(*text);
    if (rate <= 0) {
      error(node, "'" + std::string(what) + "' must be positive, got '" + *text + "'");
      return std::nullopt;
    }
    return rate;
  } catch (const std::invalid_argument& e) {
    error(node, "'" + std::string(what) + "': " + e.what());
    return std::nullopt;
  }
}

void Reader::read_duration(const YAML::Node& map, std::string_view key, bool allow_zero,
                           Duration& out) {
  const YAML::Node node = map[std::string(key)];
  if (!node) return;
  if (auto d = to_duration(node, key, allow_zero)) out = *d;
}

void Reader::read_size(const YAML::Node& map, std::string_view key, std::uint64_t min,
                       std::uint64_t& out) {
  const YAML::Node node = map[std::string(key)];
  if (!node) return;
  auto size = to_size(node, key);
  if (!size) return;
  if (*size < min) {
    error(node, "'" + std::string(key) + "' must be at least " + format_size(min));
    return;
  }
  out = *size;
}

std::optional<std::string> Reader::to_enum(const YAML::Node& node, std::string_view what,
                                           std::initializer_list<std::string_view> choices) {
  auto text = scalar(node, what);
  if (!text) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
  std::string message = "'" + std::string(what) + "' must be one of " + join_quoted(choices) +
                        ", got '" + *text + "'";
  if (auto hint = closest_match(*text, choices)) message += "; did you mean '" + *hint + "'?";
  error(node, std::move(message));
  return std::nullopt;
}

}  // namespace s3storm::scenario::detail
