#include "scenario/overrides.hpp"

#include <charconv>

namespace s3storm::scenario::detail {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::optional<std::size_t> parse_index(const std::string& text) {
  std::size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

void apply_one(YAML::Node& root, const std::string& text, Reader& reader) {
  const std::string flag = "--set " + text;
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    reader.error_flag(flag, "expected path=value, e.g. --set phases.storm.rate=5000/s");
    return;
  }
  const auto parts = split_path(text.substr(0, eq));
  const std::string value = text.substr(eq + 1);
  YAML::Node node = root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty()) {
      reader.error_flag(flag, "empty path segment; write dotted names like target.endpoint");
      return;
    }
    const bool leaf = i + 1 == parts.size();
    walked += (walked.empty() ? "" : ".") + part;
    if (node.IsSequence()) {
      // Phases by name: the name is what users see in plans and thresholds.
      std::optional<std::size_t> index;
      if (walked.rfind("phases.", 0) == 0 && i == 1) {
        std::vector<std::string> names;
        for (std::size_t n = 0; n < node.size(); ++n) {
          const YAML::Node name = node[n].IsMap() ? node[n]["name"] : YAML::Node();
          if (name && name.IsScalar()) {
            names.push_back(name.Scalar());
            if (name.Scalar() == part) index = n;
          }
        }
        if (!index) {
          std::string list;
          for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
          reader.error_flag(flag, "no phase named '" + part + "'; phases: " + list);
          return;
        }
      } else {
        index = parse_index(part);
        if (!index || *index >= node.size()) {
          reader.error_flag(flag, "'" + walked + "': '" + part +
                                      "' is not an index of that list (0 to " +
                                      std::to_string(node.size()) + ")");
          return;
        }
      }
      if (leaf) {
        YAML::Node fresh(value);
        node[*index] = fresh;
        reader.add_override_node(fresh, flag);
        return;
      }
      YAML::Node child = node[*index];
      node.reset(child);
      continue;
    }
    if (!node.IsMap() && !node.IsNull()) {
      reader.error_flag(flag, "'" + walked + "' goes through a value that is not a map");
      return;
    }
    if (leaf) {
      YAML::Node fresh(value);
      node[part] = fresh;
      reader.add_override_node(fresh, flag);
      return;
    }
    YAML::Node child = node[part];
    if (!child.IsDefined() || child.IsNull()) {
      YAML::Node fresh(YAML::NodeType::Map);
      node[part] = fresh;
      reader.add_override_node(fresh, flag);
      child.reset(fresh);
    }
    node.reset(child);
  }
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, Reader& reader) {
  for (const auto& text : overrides) apply_one(root, text, reader);
}

}  // namespace s3storm::scenario::detail
