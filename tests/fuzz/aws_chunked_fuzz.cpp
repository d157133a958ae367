// Fuzz entry point over the embedded target's aws-chunked body decoder (target::AwsChunkedDecoder),
// fed as S3Handler feeds it: the body arrives in pieces of any size, each decoded in place.
//
// Input: byte 0 says how to decode (bit 0: signed chunks, chained from AWS's published example
// seed, bit 1: the seed of the trailer variant; bits 2-4: how many piece sizes follow); those bytes
// are the sizes of successive pieces (cycled; 0 means "all the rest"); the remaining bytes are the
// body. Signed seeds are AWS's examples with small chunks (tests/fuzz/aws_chunked/corpus), so the
// fuzzer gets past a valid signature to the trailer.
//
// Every body must end decoded or in an S3Error, and the decoder's accounting must hold: the data
// handed to the sink adds up to decoded_size(), never more than the body, and each view lies inside
// the piece it came from. Anything else is a bug.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "../support/aws_chunked_example.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "target/aws_chunked_decoder.hpp"
#include "target/s3_error.hpp"

namespace {

namespace sigv4 = s3storm::sigv4;
namespace target = s3storm::target;

// AWS's chunked-upload examples (tests/support/aws_chunked_example.hpp): what signs their chunks
// and the seed signatures of the plain and the trailer variant.
using s3storm::aws_chunked_example::kSeed;
using s3storm::aws_chunked_example::kTrailerSeed;
const sigv4::ChunkSigner& example_signer() {
  return s3storm::aws_chunked_example::signer();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool signed_chunks = (data[0] & 1u) != 0;
  const std::string_view seed = (data[0] & 2u) != 0 ? kTrailerSeed : kSeed;
  const std::size_t size_count = std::min<std::size_t>((data[0] >> 2) & 7u, size - 1);
  const std::vector<std::uint8_t> sizes(data + 1, data + 1 + size_count);
  const std::string_view body(reinterpret_cast<const char*>(data + 1 + size_count),
                              size - 1 - size_count);

  target::AwsChunkedDecoder decoder(signed_chunks ? &example_signer() : nullptr, seed);
  std::uint64_t handed = 0;
  try {
    std::size_t at = 0;
    for (std::size_t i = 0; at < body.size(); ++i) {
      const std::size_t wanted = sizes.empty() ? 0 : sizes[i % sizes.size()];
      const std::string_view piece = body.substr(at, wanted == 0 ? body.size() : wanted);
      at += piece.size();
      decoder.feed(piece, [&](std::string_view out) {
        if (out.data() < piece.data() || out.data() + out.size() > piece.data() + piece.size()) {
          std::abort();  // a view outside the piece: S3Handler would store the wrong bytes
        }
        handed += out.size();
      });
    }
    decoder.finish();
    // The trailer signature is checked, never handed on as a trailer.
    for (const auto& trailer : decoder.trailers()) {
      if (trailer.first.empty() || trailer.first == "x-amz-trailer-signature") std::abort();
    }
  } catch (const target::S3Error&) {
    // A refused body: what was decoded so far still adds up (checked below).
  }
  if (handed != decoder.decoded_size() || handed > body.size()) std::abort();
  return 0;
}
