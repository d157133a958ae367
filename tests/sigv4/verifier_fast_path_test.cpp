// The verifier's shortcuts against what they replace: word-wise ASCII case checks against a
// byte-wise reference, the signed-header fast path (list already canonical) against the general
// sort, the cached x-amz-date across second and day boundaries, the by-reference secret lookup,
// the word-wise constant-time compare and the run-copying URI decoder.

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "../support/aws_example_keys.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"
#include "sigv4/verifier.hpp"
#include "util/ascii.hpp"

namespace s3storm::sigv4 {
namespace {

using std::chrono::seconds;

const Credentials kCredentials{aws_example_keys::kS3AccessKey, aws_example_keys::kS3Secret, ""};

const std::string* secret_of(std::string_view key) {
  return key == kCredentials.access_key_id ? &kCredentials.secret_access_key : nullptr;
}

char reference_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

TEST(AsciiCase, EveryByteAtEveryPositionMatchesTheByteWiseReference) {
  // Lengths around the 4- and 8-byte load boundaries; every byte value at every position, so
  // a carry between bytes or a missed tail byte shows up.
  for (std::size_t size = 1; size <= 20; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (int value = 0; value < 256; ++value) {
        std::string text(size, 'q');
        text[at] = static_cast<char>(value);
        const bool upper = value >= 'A' && value <= 'Z';
        ASSERT_EQ(ascii::has_upper(text), upper) << size << " " << at << " " << value;
        std::string lowered = text;
        for (char& c : lowered) c = reference_lower(c);
        ASSERT_TRUE(ascii::equals_lower(text, lowered)) << size << " " << at << " " << value;
        // The lower-case side differs in that one byte: never equal.
        std::string other = lowered;
        other[at] = static_cast<char>(static_cast<unsigned char>(other[at]) ^ 0x01);
        ASSERT_FALSE(ascii::equals_lower(text, other)) << size << " " << at << " " << value;
        if (upper) {
          // An upper-case letter on the "already lower" side never matches.
          ASSERT_FALSE(ascii::equals_lower(lowered, text)) << size << " " << at << " " << value;
        }
      }
    }
  }
  EXPECT_FALSE(ascii::has_upper(""));
  EXPECT_TRUE(ascii::equals_lower("", ""));
  EXPECT_FALSE(ascii::equals_lower("Host", "hosts"));
  EXPECT_TRUE(ascii::equals_lower("X-Amz-Content-SHA256", "x-amz-content-sha256"));
}

TEST(ConstantTimeEqual, FindsADifferenceAtEveryPosition) {
  for (std::size_t size = 0; size <= 70; ++size) {
    const std::string a(size, 'a');
    EXPECT_TRUE(constant_time_equal(a, std::string(size, 'a')));
    for (std::size_t at = 0; at < size; ++at) {
      std::string b = a;
      b[at] = 'b';
      EXPECT_FALSE(constant_time_equal(a, b)) << size << " " << at;
    }
    EXPECT_FALSE(constant_time_equal(a, a + "a"));
  }
}

TEST(UriDecode, AppendsRunsAndEscapesLikeTheDecoder) {
  std::string out = "keep:";
  append_uri_decoded(out, "a%20b+c%2Fd");
  EXPECT_EQ(out, "keep:a b+c/d");
  out.clear();
  append_uri_decoded(out, "a%20b+c", /*plus_is_space=*/true);
  EXPECT_EQ(out, "a b c");
  // Malformed escapes stay literal, wherever they are.
  EXPECT_EQ(uri_decode("%zz%4%"), "%zz%4%");
  EXPECT_EQ(uri_decode("%41%4a%4A"), "AJJ");
  EXPECT_EQ(uri_decode("+%2B+", true), " + ");
  EXPECT_EQ(uri_decode(""), "");
  EXPECT_EQ(uri_decode("plain-key.txt"), "plain-key.txt");
}

// A request as a client would send it: the signer's headers in `received` order and spelling,
// then x-amz-date, x-amz-content-sha256 and Authorization.
struct Sent {
  std::vector<std::pair<std::string, std::string>> owned;
  std::vector<Header> headers;
  std::string canonical_request;  // what the signer signed

  void finish() {
    headers.clear();
    for (const auto& [name, value] : owned) headers.push_back({name, value});
  }
  void set(std::string_view name, std::string value) {
    for (auto& [n, v] : owned) {
      if (n == name) v = std::move(value);
    }
    finish();
  }
};

Sent sign(std::span<const Header> signed_headers, std::span<const Header> received,
          const AmzDate& time, const Credentials& credentials = kCredentials) {
  Signer signer(credentials, "us-east-1", "s3");
  const auto& out = signer.sign({"PUT", "/b/k", "", signed_headers, kEmptyPayloadHash}, time);
  Sent sent;
  for (const Header& h : received) sent.owned.emplace_back(h.name, h.value);
  sent.owned.emplace_back("X-Amz-Date", std::string(out.amz_date));
  sent.owned.emplace_back("x-amz-content-sha256", std::string(kEmptyPayloadHash));
  sent.owned.emplace_back("Authorization", std::string(out.authorization));
  sent.canonical_request = std::string(out.canonical_request);
  sent.finish();
  return sent;
}

VerifyResult verify(Verifier& verifier, const Sent& sent, const AmzDate& now) {
  return verifier.verify({"PUT", "/b/k", sent.headers, {}}, now.time());
}

AmzDate at(const char* text) {
  return AmzDate::parse(text).value();
}

TEST(VerifierFastPath, MixedCaseAndRepeatedHeadersVerifyInTheOrderSent) {
  const AmzDate time = at("20240301T120000Z");
  const std::array<Header, 4> signed_headers{{{"host", "h:1"},
                                              {"x-amz-meta-a", "first"},
                                              {"Content-Type", "t"},
                                              {"X-Amz-Meta-A", " second  value "}}};
  // Received: other order between names, other case, the repeated name's values in sent order.
  const std::array<Header, 5> received{{{"X-AMZ-META-A", "first"},
                                        {"content-type", "t"},
                                        {"User-Agent", "unsigned"},
                                        {"x-amz-meta-a", " second  value "},
                                        {"HOST", "h:1"}}};
  Sent sent = sign(signed_headers, received, time);
  Verifier verifier(secret_of);
  const VerifyResult ok = verify(verifier, sent, time);
  EXPECT_TRUE(ok.ok()) << ok.message;
  EXPECT_EQ(ok.access_key_id, kCredentials.access_key_id);

  // The repeated header's values swapped: same names, other canonical value, so no match.
  std::array<Header, 5> swapped = received;
  std::swap(swapped[0].value, swapped[3].value);
  Sent reordered = sign(signed_headers, swapped, time);
  reordered.set("Authorization", sent.owned.back().second);
  EXPECT_EQ(verify(verifier, reordered, time).status, VerifyStatus::kSignatureMismatch);
}

TEST(VerifierFastPath, RebuildsTheSignersCanonicalRequestExactly) {
  const AmzDate time = at("20240301T120000Z");
  const std::array<Header, 3> signed_headers{
      {{"Host", "h"}, {"x-amz-meta-z", "  a \t b "}, {"x-amz-meta-b", "x"}}};
  Sent sent = sign(signed_headers, signed_headers, time);
  // Tamper with the signature only: the server's canonical request comes back and must be the
  // very text the client signed.
  std::string authorization = sent.owned.back().second;
  authorization.back() = authorization.back() == '0' ? '1' : '0';
  sent.set("Authorization", authorization);
  Verifier verifier(secret_of);
  const VerifyResult result = verify(verifier, sent, time);
  ASSERT_EQ(result.status, VerifyStatus::kSignatureMismatch);
  EXPECT_EQ(result.canonical_request, sent.canonical_request);
}

// Replaces the SignedHeaders list of an Authorization header.
std::string with_signed_list(std::string authorization, std::string_view list) {
  const std::size_t start = authorization.find("SignedHeaders=") + 14;
  const std::size_t end = authorization.find(',', start);
  return authorization.replace(start, end - start, list);
}

TEST(VerifierFastPath, ListsNotInCanonicalFormTakeTheGeneralPathWithTheSameOutcomes) {
  const AmzDate time = at("20240301T120000Z");
  const std::array<Header, 2> signed_headers{{{"host", "h"}, {"x-amz-meta-a", "1"}}};
  const Sent sent = sign(signed_headers, signed_headers, time);
  const std::string authorization = sent.owned.back().second;
  Verifier verifier(secret_of);
  ASSERT_TRUE(verify(verifier, sent, time).ok());

  // Upper case, unsorted, repeated, empty entries: headers still found case-insensitively, the
  // signature computed, and the differing list reported as a mismatch (as S3 does).
  for (const char* list : {"HOST;x-amz-content-sha256;x-amz-date;x-amz-meta-a",
                           "x-amz-date;host;x-amz-content-sha256;x-amz-meta-a",
                           "host;host;x-amz-content-sha256;x-amz-date;x-amz-meta-a"}) {
    Sent changed = sent;
    changed.set("Authorization", with_signed_list(authorization, list));
    const VerifyResult result = verify(verifier, changed, time);
    EXPECT_EQ(result.status, VerifyStatus::kSignatureMismatch) << list << ": " << result.message;
  }

  // A declared header missing from the request: the first missing one is named, whatever the
  // form of the list.
  for (const auto& [list, missing] : std::vector<std::pair<std::string, std::string>>{
           {"host;x-amz-content-sha256;x-amz-date;x-amz-meta-a;x-amz-meta-b;x-amz-meta-c",
            "x-amz-meta-b"},
           {"x-amz-meta-c;host;x-amz-content-sha256;x-amz-date;x-amz-meta-B", "x-amz-meta-c"},
           {"host;;x-amz-date", ""}}) {
    Sent changed = sent;
    changed.set("Authorization", with_signed_list(authorization, list));
    const VerifyResult result = verify(verifier, changed, time);
    EXPECT_EQ(result.status, VerifyStatus::kMalformed) << list;
    EXPECT_EQ(result.message, "signed header '" + missing + "' is not in the request") << list;
  }

  // host must be signed, in either form.
  for (const char* list : {"x-amz-content-sha256;x-amz-date;x-amz-meta-a",
                           "X-Amz-Date;x-amz-content-sha256;x-amz-meta-a"}) {
    Sent changed = sent;
    changed.set("Authorization", with_signed_list(authorization, list));
    const VerifyResult result = verify(verifier, changed, time);
    EXPECT_EQ(result.status, VerifyStatus::kMalformed) << list;
    EXPECT_EQ(result.message, "host must be a signed header") << list;
  }
}

TEST(VerifierFastPath, CachedDateFollowsTheSecondAndTheDay) {
  const std::array<Header, 1> signed_headers{{{"host", "h"}}};
  Verifier verifier(secret_of);
  // One second apart across midnight: each request's own date and scope must be used.
  for (const char* text : {"20240301T235959Z", "20240302T000000Z", "20240302T000000Z",
                           "20240302T000001Z", "20241231T235959Z", "20250101T000000Z"}) {
    const AmzDate time = at(text);
    const VerifyResult result = verify(verifier, sign(signed_headers, signed_headers, time), time);
    EXPECT_TRUE(result.ok()) << text << ": " << result.message;
  }

  // A request of the new day whose credential scope still names the old day: the cached parse
  // of the previous x-amz-date must not hide the difference.
  const AmzDate before = at("20240302T235959Z");
  const AmzDate after = at("20240303T000000Z");
  ASSERT_TRUE(verify(verifier, sign(signed_headers, signed_headers, before), before).ok());
  Sent stale = sign(signed_headers, signed_headers, before);
  stale.set("X-Amz-Date", std::string(after.text()));
  const VerifyResult mismatch = verify(verifier, stale, after);
  EXPECT_EQ(mismatch.status, VerifyStatus::kMalformed);
  EXPECT_EQ(mismatch.message, "credential scope date differs from x-amz-date");

  // The skew check uses the request's time, not the cached one.
  ASSERT_TRUE(verify(verifier, sign(signed_headers, signed_headers, after), after).ok());
  const AmzDate late = at("20240303T002000Z");
  EXPECT_EQ(verify(verifier, sign(signed_headers, signed_headers, late), after).status,
            VerifyStatus::kTimeSkewed);

  // An invalid date after a valid one is still invalid.
  Sent invalid = sign(signed_headers, signed_headers, after);
  invalid.set("X-Amz-Date", "20240303T006000Z");
  EXPECT_EQ(verify(verifier, invalid, after).message, "missing or invalid x-amz-date");
}

TEST(VerifierFastPath, AnUnknownKeyIsNamedAndTheNextRequestStillVerifies) {
  const AmzDate time = at("20240301T120000Z");
  const std::array<Header, 1> signed_headers{{{"host", "h"}}};
  const Sent good = sign(signed_headers, signed_headers, time);
  const Sent stranger =
      sign(signed_headers, signed_headers, time, Credentials{"AKSTRANGER", "other", ""});

  Verifier verifier(secret_of);
  EXPECT_TRUE(verify(verifier, good, time).ok());
  const VerifyResult unknown = verify(verifier, stranger, time);
  EXPECT_EQ(unknown.status, VerifyStatus::kUnknownAccessKey);
  EXPECT_EQ(unknown.access_key_id, "AKSTRANGER");
  EXPECT_TRUE(verify(verifier, good, time).ok());  // after an unknown key, still fine
}

}  // namespace
}  // namespace s3storm::sigv4
