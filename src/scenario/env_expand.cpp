#include "scenario/env_expand.hpp"

#include <stdexcept>

namespace s3storm::scenario {

namespace {
bool is_name_char(char c, bool first) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}
}  // namespace

std::string expand_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out += '$';  // a lone '$' is just a character (keys and ARNs may contain it)
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw std::invalid_argument(
          "unclosed '${' (write ${NAME} or ${NAME:-default}; '$$' is a "
          "literal '$')");
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const auto sep = inner.find(":-");
    const std::string name(inner.substr(0, sep));
    bool valid = !name.empty();
    for (std::size_t n = 0; n < name.size() && valid; ++n) valid = is_name_char(name[n], n == 0);
    if (!valid) {
      throw std::invalid_argument("'${" + std::string(inner) +
                                  "}' is not a valid reference; write ${NAME} or "
                                  "${NAME:-default} with NAME made of letters, digits and '_'");
    }
    const auto value = env(name);
    if (value && !value->empty()) {
      out += *value;
    } else if (sep != std::string_view::npos) {
      out += inner.substr(sep + 2);
    } else if (value) {
      out += *value;  // set but empty, and no default: empty is what the user asked for
    } else {
      throw std::invalid_argument("environment variable '" + name +
                                  "' is not set and has no default (write ${" + name +
                                  ":-default})");
    }
    i = close;
  }
  return out;
}

}  // namespace s3storm::scenario
