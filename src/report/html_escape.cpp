#include "report/html_escape.hpp"

#include "util/xml_escape.hpp"

namespace s3storm::report::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // &#39; rather than &apos;: older HTML parsers do not know the latter. Object keys may carry
  // control characters, which the page must not break on.
  util::append_xml_escaped(out, text, {.apostrophe = "&#39;", .replace_control_characters = true});
  return out;
}

}  // namespace s3storm::report::html
