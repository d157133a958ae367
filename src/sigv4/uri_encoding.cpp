#include "sigv4/uri_encoding.hpp"

#include "util/hex.hpp"

namespace s3storm::sigv4 {
namespace {

void append_escape(std::string& out, unsigned char c) {
  const char escape[3] = {'%', hex::kUpperDigits[c >> 4], hex::kUpperDigits[c & 0x0f]};
  out.append(escape, 3);
}

bool is_escape_at(std::string_view text, std::size_t i) {
  return i + 2 < text.size() + 0 && text[i] == '%' && hex::digit_value(text[i + 1]) >= 0 &&
         hex::digit_value(text[i + 2]) >= 0;
}

// The space_as_plus variant is a template argument so the signer's loop has no test for it.
template <bool space_as_plus>
void append_encoded(std::string& out, std::string_view text, bool keep_slash) {
  // Copy runs of literal bytes in one append: keys are mostly unreserved characters.
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_unreserved(c) || (keep_slash && c == '/')) continue;
    out.append(text.data() + run_start, i - run_start);
    if (space_as_plus && c == ' ') {
      out.push_back('+');
    } else {
      append_escape(out, c);
    }
    run_start = i + 1;
  }
  out.append(text.data() + run_start, text.size() - run_start);
}

}  // namespace

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void append_uri_encoded(std::string& out, std::string_view text, bool keep_slash) {
  append_encoded<false>(out, text, keep_slash);
}

void append_event_key_encoded(std::string& out, std::string_view key) {
  append_encoded<true>(out, key, /*keep_slash=*/true);
}

void append_wire_encoded(std::string& out, std::string_view text, bool keep_slash,
                         bool keep_query_delimiters) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_unreserved(c) || (keep_slash && c == '/') ||
        (keep_query_delimiters && (c == '=' || c == '&'))) {
      out.push_back(static_cast<char>(c));
    } else if (is_escape_at(text, i)) {
      out.append(text.data() + i, 3);
      i += 2;
    } else {
      append_escape(out, c);
    }
  }
}

void append_normalized_path(std::string& out, std::string_view path) {
  if (path.empty()) {
    out.push_back('/');
    return;
  }
  const std::size_t base = out.size();
  bool any_segment = false;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(pos, end - pos);
    if (segment == "..") {
      // Drop the last segment written, if any.
      const std::size_t cut = out.rfind('/', out.size() - 1);
      if (any_segment && cut != std::string::npos && cut >= base) {
        out.resize(cut);
        any_segment = out.size() > base;
      }
    } else if (!segment.empty() && segment != ".") {
      out.push_back('/');
      out.append(segment);
      any_segment = true;
    }
    pos = end + 1;
  }
  // A relative input keeps no leading slash (botocore does the same); trailing slash survives
  // only when at least one segment remains.
  if (path.front() != '/' && out.size() > base) out.erase(base, 1);
  if (out.size() == base) {
    if (path.front() == '/') out.push_back('/');
  } else if (path.back() == '/') {
    out.push_back('/');
  }
}

void append_uri_decoded(std::string& out, std::string_view text, bool plus_is_space) {
  // Copies the runs between escapes whole: most keys and values have no escape at all, and a
  // push_back per character cost several times the copy. Without '+' to replace, memchr finds
  // the next '%'.
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!plus_is_space) {
      i = text.find('%', i);
      if (i == std::string_view::npos) break;
    }
    const char c = text[i];
    if (c == '%' && is_escape_at(text, i)) {
      out.append(text.data() + run, i - run);
      out.push_back(
          static_cast<char>(hex::digit_value(text[i + 1]) * 16 + hex::digit_value(text[i + 2])));
      i += 3;
      run = i;
    } else if (plus_is_space && c == '+') {
      out.append(text.data() + run, i - run);
      out.push_back(' ');
      run = ++i;
    } else {
      ++i;
    }
  }
  out.append(text.data() + run, text.size() - run);
}

std::string uri_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  append_uri_decoded(out, text, plus_is_space);
  return out;
}

std::optional<std::string> uri_decode_strict(std::string_view text, bool plus_is_space) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && !is_escape_at(text, i)) return std::nullopt;
  }
  return uri_decode(text, plus_is_space);
}

}  // namespace s3storm::sigv4
