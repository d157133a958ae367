#pragma once

// One escaper for every XML or HTML text s3storm writes: S3 request documents, the embedded
// target's responses, the HTML report.

#include <string>
#include <string_view>

namespace s3storm::util {

struct XmlEscapeStyle {
  std::string_view apostrophe = "&apos;";
  // Control characters other than tab and newline cannot be carried by XML 1.0 at all, not even
  // as references. An S3 document must keep them (the key is the key); a page meant to be read
  // shows a replacement character instead of breaking.
  bool replace_control_characters = false;
};

// Appends text with & < > " ' escaped.
inline void append_xml_escaped(std::string& out, std::string_view text,
                               const XmlEscapeStyle& style = {}) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += style.apostrophe;
        break;
      default:
        if (style.replace_control_characters && static_cast<unsigned char>(c) < 0x20 && c != '\t' &&
            c != '\n') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
}

}  // namespace s3storm::util
