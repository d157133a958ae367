#include "target/tagging.hpp"

#include <algorithm>
#include <string>

#include "sigv4/uri_encoding.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {

namespace {

// S3 counts characters, not bytes: UTF-8 continuation bytes do not start one.
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

[[noreturn]] void invalid_tag(const std::string& message) {
  throw S3Error(ErrorCode::kInvalidTag, message);
}

}  // namespace

void check_tag_set(const TagSet& tags) {
  if (tags.size() > kMaxTags) invalid_tag("Object tags cannot be greater than 10");
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const Tag& tag = tags[i];
    if (tag.key.empty() || characters(tag.key) > kMaxTagKeyCharacters) {
      invalid_tag("The TagKey you have provided is invalid");
    }
    if (characters(tag.value) > kMaxTagValueCharacters) {
      invalid_tag("The TagValue you have provided is invalid");
    }
    if (tag.key.starts_with("aws:")) {
      invalid_tag("Your TagKey cannot be prefixed with aws:");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (tags[j].key == tag.key) invalid_tag("Cannot provide multiple Tags with the same key");
    }
  }
}

std::shared_ptr<const TagSet> parse_tagging_header(std::string_view header) {
  TagSet tags;
  while (!header.empty()) {
    const auto amp = header.find('&');
    const std::string_view pair = header.substr(0, amp);
    header = amp == std::string_view::npos ? std::string_view{} : header.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    tags.push_back({sigv4::uri_decode(pair.substr(0, eq), true),
                    eq == std::string_view::npos ? std::string()
                                                 : sigv4::uri_decode(pair.substr(eq + 1), true)});
  }
  check_tag_set(tags);
  return share_tags(std::move(tags));
}

std::shared_ptr<const TagSet> share_tags(TagSet tags) {
  if (tags.empty()) return nullptr;
  return std::make_shared<const TagSet>(std::move(tags));
}

}  // namespace s3storm::target
