#pragma once

// Percent-encoding as SigV4 wants it: every byte except the unreserved set A-Z a-z 0-9 - _ . ~
// becomes %XX with upper-case hex. S3 signs the path exactly as sent; other services normalise it
// and encode it once more (botocore's rule), so both shapes live here, in one place.

#include <optional>
#include <string>
#include <string_view>

namespace s3storm::sigv4 {

bool is_unreserved(unsigned char c);

// Appends `text` percent-encoded; with keep_slash, '/' stays literal (for paths).
void append_uri_encoded(std::string& out, std::string_view text, bool keep_slash);

// Appends an object key as AWS writes it into event records (form-URL style): as
// append_uri_encoded with '/' kept, but a space becomes '+'. uri_decode(text, true) reverses it.
void append_event_key_encoded(std::string& out, std::string_view key);

// Appends an S3 object key as a URI path: each '/'-separated segment encoded, '/' kept.
// Callers write "/" + bucket + "/" before it for path-style addressing.
inline void append_s3_key_path(std::string& out, std::string_view key) {
  append_uri_encoded(out, key, /*keep_slash=*/true);
}

// Brings text into the form it has on the wire: an existing %XX escape is kept as is, any other
// byte that is not unreserved (or '/', with keep_slash; '=' and '&' with keep_query_delimiters)
// is encoded. Idempotent, so already-encoded input passes through unchanged.
void append_wire_encoded(std::string& out, std::string_view text, bool keep_slash,
                         bool keep_query_delimiters = false);

// Removes "." and ".." segments and collapses repeated slashes (RFC 3986 5.2.4 plus the AWS rule
// for empty segments), as the generic (non-S3) canonical path requires. Appends to out.
void append_normalized_path(std::string& out, std::string_view path);

// Decodes %XX escapes (a malformed escape is kept literally). With plus_is_space, '+' is a space,
// as in form data, query strings as servers read them, and the keys of AWS event records.
std::string uri_decode(std::string_view text, bool plus_is_space = false);
// The same, appended to `out` (a reused buffer allocates nothing once it is large enough).
void append_uri_decoded(std::string& out, std::string_view text, bool plus_is_space = false);

// The same, but empty when the text has a '%' that starts no valid escape: such text cannot have
// been percent-encoded (telling a raw key from an encoded one needs that).
std::optional<std::string> uri_decode_strict(std::string_view text, bool plus_is_space);

}  // namespace s3storm::sigv4
