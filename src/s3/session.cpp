#include "s3/session.hpp"

#include "sigv4/crypto.hpp"
#include "sigv4/uri_encoding.hpp"

namespace s3storm::s3 {
namespace {
// Distinct sizes are few in most scenarios; a lognormal size mix is capped so memory stays small.
constexpr std::size_t kMaxRememberedHashes = 4096;
}  // namespace

Session::Session(boost::asio::io_context& io, http::Sender& sender, SessionConfig config,
                 const Payload& payload, std::uint64_t seed)
    : io_(io),
      sender_(sender),
      config_(std::move(config)),
      payload_(payload),
      signer_(config_.credentials, config_.region, "s3"),
      uniform_(http::make_uniform_source(seed)),
      host_header_(config_.endpoint.host_header()),
      date_(sigv4::AmzDate::from_time(config_.time.system())) {
  if (config_.credential_feed) take_new_credentials();
}

void Session::take_new_credentials() {
  // The generation first: a publish between the two reads is then seen again on the next call.
  feed_generation_ = config_.credential_feed->generation();
  config_.credentials = config_.credential_feed->current();
  signer_.set_credentials(config_.credentials);
}

const sigv4::AmzDate& Session::now() {
  const auto second = std::chrono::floor<std::chrono::seconds>(config_.time.system());
  if (second != date_second_) {
    date_second_ = second;
    date_ = sigv4::AmzDate::from_time(second);
  }
  return date_;
}

std::string_view Session::payload_hash(std::string_view body) {
  if (!config_.sign_payload) return sigv4::kUnsignedPayload;
  if (body.empty()) return sigv4::kEmptyPayloadHash;
  const auto whole = payload_.slice(payload_.capacity());
  const bool is_slice = body.data() == whole.data() && body.size() <= whole.size();
  if (!is_slice) {
    other_hash_ = sigv4::sha256_hex(body);
    return other_hash_;
  }
  auto found = slice_hashes_.find(body.size());
  if (found != slice_hashes_.end()) return found->second;
  if (slice_hashes_.size() >= kMaxRememberedHashes) slice_hashes_.clear();
  return slice_hashes_.emplace(body.size(), sigv4::sha256_hex(body)).first->second;
}

void Session::address(std::string& host, std::string& target, std::string_view bucket,
                      std::string_view key, std::string_view query) const {
  target.clear();
  target += '/';
  if (config_.virtual_host && !bucket.empty()) {
    host.assign(bucket).append(".").append(host_header_);
  } else {
    host = host_header_;
    if (!bucket.empty()) {
      target += bucket;
      if (!key.empty()) target += '/';
    }
  }
  sigv4::append_s3_key_path(target, key);
  if (!query.empty()) {
    target += '?';
    target += query;
  }
}

}  // namespace s3storm::s3
