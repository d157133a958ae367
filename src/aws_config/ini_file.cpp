#include "aws_config/ini_file.hpp"

#include <fstream>
#include <sstream>

#include "util/ascii.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {
namespace {}  // namespace

IniFile parse_aws_ini(std::string_view text, std::string_view file_name) {
  IniFile ini;
  std::string section;
  bool in_section = false;
  std::string parent;  // the key of the nested block being read, e.g. "s3"
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string_view line = ascii::trim(raw, " \t\r");
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const auto where = [&](std::size_t column) {
      return std::string(file_name) + ":" + std::to_string(line_number) + ":" +
             std::to_string(column);
    };
    if (line.front() == '[') {
      if (line.back() != ']')
        throw UsageError(where(raw.find('[') + 1) + ": section header lacks ']'");
      section = std::string(ascii::trim(line.substr(1, line.size() - 2), " \t\r"));
      in_section = true;
      ini[section];
      parent.clear();
      continue;
    }
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    const std::size_t eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) {
      throw UsageError(where(raw.find(line.front()) + 1) + ": expected 'key = value'");
    }
    if (!in_section) throw UsageError(where(1) + ": setting outside any [section]");
    const std::string key = ascii::lower_copy(ascii::trim(line.substr(0, eq), " \t\r"));
    const std::string_view value = ascii::trim(line.substr(eq + 1), " \t\r");
    if (indented && !parent.empty()) {
      ini[section][parent + "." + key] = std::string(value);
      continue;
    }
    ini[section][key] = std::string(value);
    parent = value.empty() ? key : std::string();
  }
  return ini;
}

IniFile load_aws_ini(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_aws_ini(text.str(), path);
}

}  // namespace s3storm::aws_config
