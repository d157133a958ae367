#pragma once

// Copies into a string the connection reuses from request to request. std::string::assign runs a
// general replace (aliasing checks, growth policy) of ~70 instructions even when the string
// already holds a value of the same length, which is the usual case for the same client's next
// request (header names, dates, signatures) and the same handler's next answer.

#include <cstring>
#include <string>
#include <string_view>

namespace s3storm::http {

inline void assign_reusing(std::string& out, std::string_view text) {
  if (text.size() > out.capacity()) {
    out.assign(text.data(), text.size());
    return;
  }
  out.resize(text.size());  // within capacity: no allocation; the same size: nothing to do
  // memmove: `text` may be a view of `out` itself, which the resize above leaves in place.
  if (!text.empty()) std::memmove(out.data(), text.data(), text.size());
}

}  // namespace s3storm::http
