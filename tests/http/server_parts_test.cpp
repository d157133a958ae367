// The server's pieces without a socket: case-insensitive token comparison, the response header
// as written, and the reuse of a connection's response between requests.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "http/server.hpp"
#include "http/server_response_header.hpp"
#include "util/ascii.hpp"

namespace s3storm::http {
namespace {

bool reference_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii::lower(a[i]) != ascii::lower(b[i])) return false;
  }
  return true;
}

TEST(ServerAscii, IequalsMatchesTheCharacterAtATimeDefinitionAtEveryLength) {
  std::mt19937 random(6);
  // Letters of both cases, the characters around 'A'..'Z' and 'a'..'z', and bytes past 0x7f whose
  // bit 0x20 also flips (0xC1 / 0xE1): a word-at-a-time fold must not merge those.
  const std::string alphabet = "aAzZmM@[`{-_^~09\xC1\xE1\x80\xFF";
  for (std::size_t length = 0; length <= 40; ++length) {
    for (int trial = 0; trial < 400; ++trial) {
      std::string a(length, ' ');
      for (auto& c : a) c = alphabet[random() % alphabet.size()];
      std::string b = a;
      // Flip the case of some letters, and now and then change one byte outright.
      for (auto& c : b) {
        if (random() % 3 == 0 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      if (length > 0 && trial % 4 == 0) b[random() % length] = alphabet[random() % alphabet.size()];
      ASSERT_EQ(ascii::iequals(a, b), reference_iequals(a, b))
          << "length " << length << " '" << a << "' '" << b << "'";
    }
  }
}

TEST(ServerAscii, IequalsTellsCaseFromOtherDifferences) {
  EXPECT_TRUE(ascii::iequals("X-Amz-Content-SHA256", "x-amz-content-sha256"));
  EXPECT_TRUE(ascii::iequals("Authorization", "authorization"));
  EXPECT_TRUE(ascii::iequals("HOST", "host"));
  EXPECT_FALSE(ascii::iequals("x-amz-content-sha256", "x-amz-content-sha257"));
  EXPECT_FALSE(ascii::iequals("Authorization", "authorizatioN "));
  EXPECT_FALSE(ascii::iequals("a@b", "a`b"));  // '@' and '`' differ by 0x20 but are no letters
  EXPECT_FALSE(ascii::iequals("[x]{}", "{x}[]"));
  EXPECT_FALSE(ascii::iequals("\xC1\xC1\xC1\xC1\xC1", "\xE1\xE1\xE1\xE1\xE1"));
  static_assert(ascii::iequals("Content-Length", "content-length"));
}

std::string serialized(const ServerResponse& response, ResponseFraming framing = {}) {
  std::string out = "left over from an earlier, much longer answer that must not survive";
  serialize_response_header(response, framing, out);
  return out;
}

TEST(ServerResponseHeader, WritesStatusFieldsLengthAndConnection) {
  ServerResponse response;
  response.status = 404;
  response.set_header("ETag", "\"abc\"");
  response.set_header("x-amz-request-id", "R1");
  response.body = "missing";
  EXPECT_EQ(serialized(response),
            "HTTP/1.1 404 Not Found\r\nETag: \"abc\"\r\nx-amz-request-id: R1\r\n"
            "Content-Length: 7\r\n\r\n");
  EXPECT_EQ(serialized(response, {11, false, false}),
            "HTTP/1.1 404 Not Found\r\nETag: \"abc\"\r\nx-amz-request-id: R1\r\n"
            "Content-Length: 7\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(serialized(response, {10, false, true}),
            "HTTP/1.0 404 Not Found\r\nETag: \"abc\"\r\nx-amz-request-id: R1\r\n"
            "Content-Length: 7\r\nConnection: keep-alive\r\n\r\n");
}

TEST(ServerResponseHeader, DropsTheHandlersFramingFieldsButKeepsAHeadLength) {
  ServerResponse response;
  response.set_header("content-LENGTH", "99");
  response.set_header("Transfer-Encoding", "chunked");
  response.set_header("CONNECTION", "upgrade");
  response.set_header("Connections", "kept: not a framing field");
  response.body = "12345";
  EXPECT_EQ(serialized(response),
            "HTTP/1.1 200 OK\r\nConnections: kept: not a framing field\r\n"
            "Content-Length: 5\r\n\r\n");
  EXPECT_EQ(serialized(response, {11, true, true}),
            "HTTP/1.1 200 OK\r\nConnections: kept: not a framing field\r\n"
            "Content-Length: 99\r\n\r\n");
}

TEST(ServerResponseHeader, NoLengthWhereNoBodyIsAllowedAndLongValuesFit) {
  ServerResponse response;
  response.status = 204;
  EXPECT_EQ(serialized(response), "HTTP/1.1 204 No Content\r\n\r\n");
  response.status = 200;
  const std::string long_value(70000, 'v');
  response.set_header("X-Long", long_value);
  response.body.assign(123456789, 'b');
  const std::string out = serialized(response);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nX-Long: " + long_value + "\r\nContent-Length: 123456789\r\n\r\n");
}

TEST(ServerResponse, ClearedResponsesReuseHeadersWhateverTheNamesAndOrder) {
  ServerResponse response;
  response.set_header("A", "1");
  response.set_header("Bee", "2");
  response.set_header("C", "3");
  response.set_header("bee", "2b");  // replaces, whatever the case
  ASSERT_EQ(response.headers.size(), 3u);
  EXPECT_EQ(response.headers[1], (std::pair<std::string, std::string>{"Bee", "2b"}));

  response.clear();
  EXPECT_TRUE(response.headers.empty());
  response.set_header("C", "x");  // fewer headers, other names than last time
  response.set_header("D", "y");
  EXPECT_EQ(response.headers, (HeaderList{{"C", "x"}, {"D", "y"}}));

  response.clear();  // one spare was left unused: the spares must still come out right
  response.set_header("A", "1");
  response.headers.emplace_back("Direct", "added by hand");
  response.set_header("B", "2");
  response.set_header("C", "3");
  response.set_header("E", "5");
  EXPECT_EQ(
      response.headers,
      (HeaderList{{"A", "1"}, {"Direct", "added by hand"}, {"B", "2"}, {"C", "3"}, {"E", "5"}}));

  response.clear();
  response.set_header("E", "5");
  response.headers.clear();  // a handler may drop headers it set
  response.set_header("F", "6");
  EXPECT_EQ(response.headers, (HeaderList{{"F", "6"}}));
  EXPECT_EQ(response.status, 200u);
  EXPECT_TRUE(response.body.empty());
}

}  // namespace
}  // namespace s3storm::http
