#pragma once

// SigV4 for bodies sent in aws-chunked framing: each chunk carries a signature chained from the
// previous one (the request's own signature, the "seed", for the first), and a trailer after the
// last chunk may carry one more. One implementation for whoever signs chunks and whoever checks
// them, so both always agree.

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "sigv4/crypto.hpp"
#include "sigv4/signing_key_cache.hpp"

namespace s3storm::sigv4 {

// x-amz-content-sha256 values that announce an aws-chunked body.
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

// What chains the signatures: the request's signing key, x-amz-date and credential scope
// ("20130524/us-east-1/s3/aws4_request").
struct ChunkSigningScope {
  HmacSha256Key key;
  std::string amz_date;
  std::string scope;
};

// A chunk or trailer signature: 64 lower-case hex digits, held in place (a signature per chunk
// allocates nothing).
struct ChunkSignature {
  std::array<char, 64> hex;
  std::string_view view() const { return {hex.data(), hex.size()}; }
};

// Signs the chunks and the trailer of bodies signed under one scope. Each string to sign starts
// with the same head (algorithm, x-amz-date, scope: 77 bytes, more than a SHA-256 block), which is
// absorbed into the key here, once; a chunk then costs the HMAC of its variable part only (the
// previous signature and two hashes), fed in pieces, with no string built.
class ChunkSigner {
 public:
  explicit ChunkSigner(const ChunkSigningScope& scope);

  // The signature of one chunk, given the SHA-256 of its data (the last, empty chunk included)
  // and the signature before it.
  ChunkSignature chunk(std::string_view previous_signature, const Digest& chunk_sha256) const;

  // The trailer's signature: `canonical_trailer` is each trailing header but the signature
  // itself, as "name:value\n" (lower-case name).
  ChunkSignature trailer(std::string_view previous_signature,
                         std::string_view canonical_trailer) const;

 private:
  HmacSha256Key chunk_key_;    // head "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n" absorbed
  HmacSha256Key trailer_key_;  // head "AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n" absorbed
};

// The ChunkSigner for the last (secret, x-amz-date, credential scope) asked for, made again only
// when one of them changes: the requests of one second under one key share it, so the heads are
// absorbed (and the key looked up) once a second rather than once a request. Shared, not copied:
// a signer is two padded key states (448 bytes, wiped when freed), and a request that holds one
// keeps it valid after the cache has moved on. Not thread-safe.
class ChunkSignerCache {
 public:
  // `scope` as a credential has it: "20130524/us-east-1/s3/aws4_request"; empty when it does
  // not have that form.
  const std::shared_ptr<const ChunkSigner>& get(std::string_view secret, std::string_view amz_date,
                                                std::string_view scope);

 private:
  SigningKeyCache keys_{2};
  std::string secret_;
  std::string amz_date_;
  std::string scope_;
  std::shared_ptr<const ChunkSigner> signer_;
};

}  // namespace s3storm::sigv4
