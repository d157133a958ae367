#include "sigv4/chunk_signature.hpp"

#include <algorithm>

#include "util/hex.hpp"

namespace s3storm::sigv4 {

namespace {

// Between a chunk's previous signature and its data's hash: the hash of the (always empty)
// chunk headers, a slot AWS keeps for future use.
constexpr std::string_view kEmptyHeadersLine =
    "\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n";

// The string to sign's head, shared by every chunk (or trailer) of the scope.
HmacSha256Key with_head(const ChunkSigningScope& scope, std::string_view algorithm) {
  std::string head;
  head.reserve(algorithm.size() + scope.amz_date.size() + scope.scope.size() + 3);
  head.append(algorithm).push_back('\n');
  head.append(scope.amz_date).push_back('\n');
  head.append(scope.scope).push_back('\n');
  return scope.key.with_message_prefix(head);
}

ChunkSignature spelled(const Digest& mac) {
  return {hex::spell(mac)};
}

std::string_view view(const std::array<char, 64>& hex) {
  return {hex.data(), hex.size()};
}

}  // namespace

ChunkSigner::ChunkSigner(const ChunkSigningScope& scope)
    : chunk_key_(with_head(scope, "AWS4-HMAC-SHA256-PAYLOAD")),
      trailer_key_(with_head(scope, "AWS4-HMAC-SHA256-TRAILER")) {}

ChunkSignature ChunkSigner::chunk(std::string_view previous_signature,
                                  const Digest& chunk_sha256) const {
  constexpr std::size_t kSignatureSize = sizeof(ChunkSignature::hex);
  if (previous_signature.size() != kSignatureSize) {
    return spelled(chunk_key_.mac_parts(
        {previous_signature, kEmptyHeadersLine, view(hex::spell(chunk_sha256))}));
  }
  // The variable part (194 bytes) written into one buffer and hashed in one call: each call into
  // SHA256_Update costs more than copying a part, and the hash is spelled in place.
  std::array<char, 2 * kSignatureSize + kEmptyHeadersLine.size()> message;
  char* out = std::copy(previous_signature.begin(), previous_signature.end(), message.data());
  out = std::copy(kEmptyHeadersLine.begin(), kEmptyHeadersLine.end(), out);
  hex::write(out, chunk_sha256.data(), chunk_sha256.size());
  return spelled(chunk_key_.mac({message.data(), message.size()}));
}

ChunkSignature ChunkSigner::trailer(std::string_view previous_signature,
                                    std::string_view canonical_trailer) const {
  return spelled(trailer_key_.mac_parts(
      {previous_signature, "\n", view(hex::spell(sha256(canonical_trailer)))}));
}

const std::shared_ptr<const ChunkSigner>& ChunkSignerCache::get(std::string_view secret,
                                                                std::string_view amz_date,
                                                                std::string_view scope) {
  static const std::shared_ptr<const ChunkSigner> kNone;
  if (signer_ && amz_date == amz_date_ && scope == scope_ && secret == secret_) return signer_;
  // date/region/service/aws4_request, read from both ends (a region is any text).
  constexpr std::string_view kTerminator = "/aws4_request";
  const auto date_end = scope.find('/');
  if (date_end == std::string_view::npos || scope.size() < date_end + 1 + kTerminator.size() ||
      !scope.ends_with(kTerminator)) {
    return kNone;
  }
  const std::string_view middle =
      scope.substr(date_end + 1, scope.size() - kTerminator.size() - date_end - 1);
  const auto service_start = middle.rfind('/');
  if (service_start == std::string_view::npos) return kNone;
  const HmacSha256Key& key =
      keys_.get(secret, scope.substr(0, date_end), middle.substr(0, service_start),
                middle.substr(service_start + 1));
  signer_ = std::make_shared<const ChunkSigner>(
      ChunkSigningScope{key, std::string(amz_date), std::string(scope)});
  secret_.assign(secret);
  amz_date_.assign(amz_date);
  scope_.assign(scope);
  return signer_;
}

}  // namespace s3storm::sigv4
