#include "sigv4/signing_key_cache.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace s3storm::sigv4 {
namespace {

std::string_view as_view(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace

Digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service) {
  std::string seed = "AWS4";
  seed.append(secret);
  Digest key = hmac_sha256(seed, date);
  OPENSSL_cleanse(seed.data(), seed.size());
  key = hmac_sha256(as_view(key), region);
  key = hmac_sha256(as_view(key), service);
  return hmac_sha256(as_view(key), "aws4_request");
}

const HmacSha256Key& SigningKeyCache::get(std::string_view secret, std::string_view date,
                                          std::string_view region, std::string_view service) {
  ++clock_;
  for (Entry& entry : entries_) {
    if (entry.date == date && entry.region == region && entry.service == service &&
        entry.secret == secret) {
      entry.last_used = clock_;
      return entry.key;
    }
  }
  ++derivations_;
  Digest derived = derive_signing_key(secret, date, region, service);
  HmacSha256Key key(as_view(derived));
  OPENSSL_cleanse(derived.data(), derived.size());
  if (entries_.size() < capacity_) {
    entries_.push_back(Entry{std::string(secret), std::string(date), std::string(region),
                             std::string(service), std::move(key), clock_});
    return entries_.back().key;
  }
  auto oldest =
      std::min_element(entries_.begin(), entries_.end(),
                       [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
  *oldest = Entry{std::string(secret),  std::string(date), std::string(region),
                  std::string(service), std::move(key),    clock_};
  return oldest->key;
}

}  // namespace s3storm::sigv4
