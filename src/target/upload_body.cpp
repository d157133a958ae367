#include "target/upload_body.hpp"

#include <charconv>
#include <cstring>

#include "target/aws_chunked_decoder.hpp"
#include "target/crypto.hpp"
#include "target/s3_error.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"

namespace s3storm::target {

namespace {

[[noreturn]] void invalid_request(const std::string& message) {
  throw S3Error(ErrorCode::kInvalidRequest, message);
}

}  // namespace

std::optional<std::pair<ChecksumAlgorithm, std::string_view>> header_checksum(
    const http::ServerRequest& request) {
  std::optional<std::pair<ChecksumAlgorithm, std::string_view>> found;
  for (const auto& [name, value] : request.headers) {
    const auto algorithm = checksum_algorithm_of_header(name);
    if (!algorithm) continue;
    if (found) invalid_request("Expecting a single x-amz-checksum- header");
    found.emplace(*algorithm, value);
  }
  return found;
}

namespace {

// The checksum x-amz-trailer announces (S3 takes one).
std::optional<ChecksumAlgorithm> trailer_checksum(const http::ServerRequest& request) {
  const std::string_view trailer = request.header("x-amz-trailer");
  if (trailer.empty()) return std::nullopt;
  const auto algorithm = checksum_algorithm_of_header(trailer);
  if (!algorithm) {
    invalid_request("The value specified in the x-amz-trailer header is not supported");
  }
  return algorithm;
}

void check_content_md5(const http::ServerRequest& request) {
  const std::string_view declared = request.header("content-md5");
  if (declared.empty()) return;
  const auto raw = sigv4::base64_decode(declared);
  if (!raw || raw->size() != 16) {
    throw S3Error(ErrorCode::kInvalidDigest, "The Content-MD5 you specified was invalid.")
        .with("Content-MD5", std::string(declared));
  }
  const Md5Digest actual = md5(request.body);
  if (std::memcmp(raw->data(), actual.data(), actual.size()) != 0) {
    throw S3Error(ErrorCode::kBadDigest,
                  "The Content-MD5 you specified did not match what we received.")
        .with("ExpectedDigest", std::string(declared))
        .with("CalculatedDigest", sigv4::base64_encode(std::string_view(
                                      reinterpret_cast<const char*>(actual.data()), 16)));
  }
}

std::uint64_t decoded_length(const http::ServerRequest& request) {
  const std::string_view text = request.header("x-amz-decoded-content-length");
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw S3Error(ErrorCode::kInvalidArgument,
                  "x-amz-decoded-content-length is missing or not a number")
        .with("ArgumentName", "x-amz-decoded-content-length");
  }
  return value;
}

// Decodes the aws-chunked body over itself (decoded bytes never overtake the encoded ones), feeding
// the checksum on the way; returns the trailing headers and sets `signed_sha256` (if given).
std::vector<std::pair<std::string, std::string>> decode_in_place(
    http::ServerRequest& request, const VerifiedCaller& caller, Checksummer* checksummer,
    std::optional<sigv4::Digest>* signed_sha256) {
  const std::uint64_t expected = decoded_length(request);
  AwsChunkedDecoder decoder(caller.chunk_signing.get(), caller.seed_signature);
  // What the sink needs, behind one reference: std::function keeps a lambda that small in place
  // instead of allocating it.
  struct Output {
    std::string& body;
    Checksummer* checksummer;
    std::size_t written = 0;
  } output{request.body, checksummer};
  decoder.feed(request.body, [&output](std::string_view data) {
    char* out = output.body.data() + output.written;
    if (out != data.data()) std::memmove(out, data.data(), data.size());
    if (output.checksummer) output.checksummer->update({out, data.size()});
    output.written += data.size();
  });
  decoder.finish();
  request.body.resize(output.written);
  if (decoder.decoded_size() != expected) {
    throw S3Error(ErrorCode::kIncompleteBody,
                  "You did not provide the number of bytes specified by the "
                  "x-amz-decoded-content-length header.");
  }
  if (signed_sha256) *signed_sha256 = decoder.signed_body_sha256();
  return decoder.trailers();
}

// The body's checksum `actual` against the one the request declared.
ObjectChecksum check_declared(ChecksumAlgorithm algorithm, std::string actual,
                              std::string_view declared) {
  if (actual != declared) {
    // A value that cannot be a checksum of this algorithm is a malformed request, not a mismatch.
    const auto raw = sigv4::base64_decode(declared);
    if (!raw || raw->size() != sigv4::base64_decode(actual)->size()) {
      invalid_request("Value for " + std::string(checksum_header(algorithm)) +
                      " header is invalid.");
    }
    throw S3Error(ErrorCode::kBadDigest, "The " + std::string(checksum_name(algorithm)) +
                                             " you specified did not match the calculated "
                                             "checksum.");
  }
  return ObjectChecksum{algorithm, std::move(actual), false};
}

}  // namespace

ObjectChecksum form_file_checksum(const PostForm& form) {
  std::optional<std::pair<ChecksumAlgorithm, std::string_view>> found;
  for (const auto& [name, value] : form.fields) {
    const auto algorithm = checksum_algorithm_of_header(name);
    if (!algorithm) continue;
    if (found) invalid_request("Expecting a single x-amz-checksum- form field");
    found.emplace(*algorithm, value);
  }
  if (!found) return default_checksum(form.file);
  return check_declared(found->first, checksum_base64(found->first, form.file), found->second);
}

std::optional<ObjectChecksum> accept_upload_body(http::ServerRequest& request,
                                                 const VerifiedCaller& caller,
                                                 std::optional<sigv4::Digest>* signed_sha256) {
  if (signed_sha256) signed_sha256->reset();
  const auto in_header = header_checksum(request);
  const auto in_trailer =
      caller.streaming_payload.empty() ? std::nullopt : trailer_checksum(request);
  if (in_header && in_trailer) invalid_request("Expecting a single x-amz-checksum- header");
  std::optional<ChecksumAlgorithm> algorithm;
  if (in_header) algorithm = in_header->first;
  if (in_trailer) algorithm = in_trailer;

  const std::string_view sdk_algorithm = request.header("x-amz-sdk-checksum-algorithm");
  if (!sdk_algorithm.empty()) {
    const auto named = checksum_algorithm_named(sdk_algorithm);
    if (!named) invalid_request("Value for x-amz-sdk-checksum-algorithm header is invalid.");
    if (!algorithm) {
      invalid_request(
          "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or "
          "x-amz-trailer headers were found.");
    }
    if (*named != *algorithm) {
      invalid_request(
          "Value for x-amz-sdk-checksum-algorithm header does not match the checksum "
          "header sent.");
    }
  }

  std::optional<Checksummer> checksummer;
  if (algorithm) checksummer.emplace(*algorithm);
  std::string declared;
  if (in_header) declared = in_header->second;
  std::string actual;
  if (!caller.streaming_payload.empty()) {
    const auto trailers =
        decode_in_place(request, caller, checksummer ? &*checksummer : nullptr, signed_sha256);
    if (in_trailer) {
      const std::string_view wanted = checksum_header(*in_trailer);
      bool found = false;
      for (const auto& [name, value] : trailers) {
        if (name == wanted) {
          declared = value;
          found = true;
        }
      }
      if (!found) invalid_request("The trailing " + std::string(wanted) + " header is missing.");
    }
  } else if (algorithm == ChecksumAlgorithm::kSha256 && !caller.checked_payload_sha256.empty()) {
    // The body was already held to this SHA-256 (x-amz-content-sha256): no second pass over it.
    actual = sigv4::base64_encode(*hex::decode(caller.checked_payload_sha256));
  } else if (checksummer) {
    checksummer->update(request.body);
  }
  check_content_md5(request);
  if (!algorithm) return std::nullopt;
  if (actual.empty()) actual = checksummer->finish();
  return check_declared(*algorithm, std::move(actual), declared);
}

}  // namespace s3storm::target
