#pragma once

// Finding elements in S3's XML whatever namespace prefix a server puts on them: by local name.
// Shared by the client side (reading answers) and the embedded target (reading requests).

#include <pugixml.hpp>
#include <string_view>

namespace s3storm::s3 {

// The element name without any namespace prefix ("s3:Key" -> "Key").
inline std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The first child element with this local name; empty when there is none.
inline pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (auto node : parent.children()) {
    if (node.type() == pugi::node_element && local_name(node) == name) return node;
  }
  return {};
}

}  // namespace s3storm::s3
