#pragma once

// Object tags as S3 takes them: its limits (at most 10 tags, keys of 1..128 and values of at most
// 256 Unicode characters, no key twice, no "aws:" keys) and the x-amz-tagging header, a URL query
// string ("k1=v1&k2=v2"). A tag set that breaks a limit is S3Error(InvalidTag).

#include <memory>
#include <string_view>

#include "target/object_store.hpp"

namespace s3storm::target {

inline constexpr std::size_t kMaxTags = 10;
inline constexpr std::size_t kMaxTagKeyCharacters = 128;
inline constexpr std::size_t kMaxTagValueCharacters = 256;

void check_tag_set(const TagSet& tags);

// Null for an empty header (no tags, which the store keeps as no tag set at all).
std::shared_ptr<const TagSet> parse_tagging_header(std::string_view header);

// Null for an empty set, else the set, shared.
std::shared_ptr<const TagSet> share_tags(TagSet tags);

}  // namespace s3storm::target
