#include "sigv4/canonical_request.hpp"

#include <algorithm>
#include <cstring>

#include "sigv4/uri_encoding.hpp"
#include "util/ascii.hpp"

namespace s3storm::sigv4 {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void append_lower(std::string& out, std::string_view name) {
  const std::size_t start = out.size();
  out.append(name);
  for (std::size_t i = start; i < out.size(); ++i) out[i] = ascii::lower(out[i]);
}

// True when no byte of `value` is a space or a control character: eight bytes per step (the
// classic "has a byte less than n" bit trick), since most values (hashes, dates, hosts) are
// clean and can be copied whole.
bool has_no_space_or_control(std::string_view value) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, value.data() + i, sizeof(word));
    if (((word - kOnes * 0x21) & ~word & kHighs) != 0) return false;
  }
  for (; i < value.size(); ++i) {
    if (static_cast<unsigned char>(value[i]) <= ' ') return false;
  }
  return true;
}

}  // namespace

bool is_s3_service(std::string_view service) {
  // s3-object-lambda and s3-outposts sign like S3 in botocore too.
  return service == "s3" || service.starts_with("s3-");
}

PathRule path_rule_for_service(std::string_view service) {
  return is_s3_service(service) ? PathRule::kAsSent : PathRule::kNormalizeAndEncode;
}

bool header_name_less(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto ca = static_cast<unsigned char>(ascii::lower(a[i]));
    const auto cb = static_cast<unsigned char>(ascii::lower(b[i]));
    if (ca != cb) return ca < cb;
  }
  return a.size() < b.size();
}

void append_trimmed_header_value(std::string& out, std::string_view value) {
  if (has_no_space_or_control(value)) {
    out.append(value);
    return;
  }
  // Appends whole words: a character-at-a-time push_back was a sixth of the signer's own work.
  const std::size_t size = value.size();
  std::size_t i = 0;
  bool wrote_any = false;
  while (i < size) {
    while (i < size && is_space(value[i])) ++i;
    const std::size_t word = i;
    while (i < size && !is_space(value[i])) ++i;
    if (word == i) break;
    if (wrote_any) out.push_back(' ');
    out.append(value.data() + word, i - word);
    wrote_any = true;
  }
}

void CanonicalRequestBuilder::build(const CanonicalInput& input, std::string& out,
                                    std::string& signed_headers) {
  out.clear();
  signed_headers.clear();
  out.append(input.method);
  out.push_back('\n');
  if (input.path.empty()) {
    out.push_back('/');
  } else if (input.path_rule == PathRule::kAsSent) {
    out.append(input.path);
  } else {
    // Normalise into the tail of `out`, then encode that tail once more. The scratch copy is
    // the signed-headers buffer, which is empty at this point and rebuilt below.
    append_normalized_path(signed_headers, input.path);
    append_uri_encoded(out, signed_headers, /*keep_slash=*/true);
    signed_headers.clear();
  }
  out.push_back('\n');
  append_query(out, input.query);
  out.push_back('\n');
  if (input.headers_canonical) {
    append_canonical_headers(out, signed_headers, input.headers);
  } else {
    append_headers(out, signed_headers, input.headers);
  }
  out.push_back('\n');
  out.append(signed_headers);
  out.push_back('\n');
  out.append(input.payload_hash);
}

void CanonicalRequestBuilder::append_query(std::string& out, std::string_view query) {
  query_pairs_.clear();
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(pos, end - pos);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        query_pairs_.emplace_back(pair, std::string_view{});
      } else {
        query_pairs_.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
      }
    }
    pos = end + 1;
  }
  std::sort(query_pairs_.begin(), query_pairs_.end());
  bool first = true;
  for (const auto& [name, value] : query_pairs_) {
    if (!first) out.push_back('&');
    first = false;
    out.append(name);
    out.push_back('=');
    out.append(value);
  }
}

void CanonicalRequestBuilder::sort_headers(std::span<const Header> headers, bool lowered) {
  header_order_.clear();
  for (std::uint32_t i = 0; i < headers.size(); ++i) header_order_.push_back(i);
  // Ties keep their given order, so duplicate values are joined as they were sent.
  if (lowered) {
    std::sort(header_order_.begin(), header_order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      const int order = headers[a].name.compare(headers[b].name);
      return order != 0 ? order < 0 : a < b;
    });
    return;
  }
  std::sort(header_order_.begin(), header_order_.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (header_name_less(headers[a].name, headers[b].name)) return true;
    if (header_name_less(headers[b].name, headers[a].name)) return false;
    return a < b;
  });
}

void CanonicalRequestBuilder::signed_header_list(std::span<const Header> headers,
                                                 std::string& out) {
  sort_headers(headers);
  std::string_view previous;
  for (const std::uint32_t index : header_order_) {
    const std::string_view name = headers[index].name;
    if (index != header_order_.front() && ascii::iequals(previous, name)) continue;
    if (index != header_order_.front()) out.push_back(';');
    append_lower(out, name);
    previous = name;
  }
}

namespace {

// The canonical header lines ("name:value,value" per name) and the signed-header list, from the
// headers taken in `order` (equal names adjacent). `kLowered`: the names are lower-case already,
// so they are copied and compared as they are.
template <bool kLowered, typename Order>
void append_header_lines(std::string& out, std::string& signed_headers,
                         std::span<const Header> headers, const Order& order) {
  std::string_view previous;
  bool have_previous = false;
  for (const auto index : order) {
    const Header& header = headers[index];
    const bool same_name = have_previous && (kLowered ? header.name == previous
                                                      : ascii::iequals(previous, header.name));
    if (same_name) {
      out.push_back(',');
    } else {
      if (have_previous) {
        out.push_back('\n');
        signed_headers.push_back(';');
      }
      if constexpr (kLowered) {
        out.append(header.name);
        out.push_back(':');
        signed_headers.append(header.name);
      } else {
        append_lower(out, header.name);
        out.push_back(':');
        append_lower(signed_headers, header.name);
      }
      previous = header.name;
      have_previous = true;
    }
    append_trimmed_header_value(out, header.value);
  }
  if (have_previous) out.push_back('\n');
}

// The positions 0..count-1: headers taken as they are. Not std::views::iota, which clang 14 (the
// fuzz build's compiler) cannot instantiate with libstdc++ 12's ranges.
struct Positions {
  struct Iterator {
    std::size_t at;
    std::size_t operator*() const { return at; }
    Iterator& operator++() {
      ++at;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at != other.at; }
  };
  std::size_t count;
  Iterator begin() const { return {0}; }
  Iterator end() const { return {count}; }
};

}  // namespace

void CanonicalRequestBuilder::append_headers(std::string& out, std::string& signed_headers,
                                             std::span<const Header> headers) {
  // One pass to learn that no name needs folding saves folding every name in each comparison of
  // the sort and again when it is written.
  const bool lowered = std::none_of(headers.begin(), headers.end(), [](const Header& header) {
    return std::any_of(header.name.begin(), header.name.end(),
                       [](char c) { return c >= 'A' && c <= 'Z'; });
  });
  sort_headers(headers, lowered);
  if (lowered) {
    append_header_lines<true>(out, signed_headers, headers, header_order_);
  } else {
    append_header_lines<false>(out, signed_headers, headers, header_order_);
  }
}

void CanonicalRequestBuilder::append_canonical_headers(std::string& out,
                                                       std::string& signed_headers,
                                                       std::span<const Header> headers) {
  append_header_lines<true>(out, signed_headers, headers, Positions{headers.size()});
}

}  // namespace s3storm::sigv4
