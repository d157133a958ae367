#include "sigv4/chunk_signature.hpp"

#include "util/hex.hpp"

namespace s3storm::sigv4 {

namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The string to sign's head, shared by chunks and trailer: algorithm, date, scope, previous.
void start_string_to_sign(std::string& out, std::string_view algorithm,
                          const ChunkSigningScope& scope, std::string_view previous_signature) {
  out.clear();
  out.append(algorithm).push_back('\n');
  out.append(scope.amz_date).push_back('\n');
  out.append(scope.scope).push_back('\n');
  out.append(previous_signature).push_back('\n');
}

std::string hex_mac(const ChunkSigningScope& scope, std::string_view string_to_sign) {
  std::string out;
  hex::append(out, scope.key.mac(string_to_sign));
  return out;
}

}  // namespace

std::string chunk_signature(const ChunkSigningScope& scope, std::string_view previous_signature,
                            const Digest& chunk_sha256) {
  thread_local std::string string_to_sign;
  start_string_to_sign(string_to_sign, "AWS4-HMAC-SHA256-PAYLOAD", scope, previous_signature);
  // The hash of the (always empty) chunk headers, a slot AWS keeps for future use.
  string_to_sign.append(kEmptySha256).push_back('\n');
  hex::append(string_to_sign, chunk_sha256);
  return hex_mac(scope, string_to_sign);
}

std::string trailer_signature(const ChunkSigningScope& scope, std::string_view previous_signature,
                              std::string_view canonical_trailer) {
  thread_local std::string string_to_sign;
  start_string_to_sign(string_to_sign, "AWS4-HMAC-SHA256-TRAILER", scope, previous_signature);
  hex::append(string_to_sign, sha256(canonical_trailer));
  return hex_mac(scope, string_to_sign);
}

}  // namespace s3storm::sigv4
