#include "s3/content.hpp"

#include <gtest/gtest.h>

#include <string>

namespace s3storm::s3 {
namespace {

std::string object(std::uint64_t seed, std::uint64_t offset, std::size_t size) {
  std::string out(size, '\0');
  fill_random_content(seed, offset, std::span<char>(out.data(), out.size()));
  return out;
}

TEST(RandomContent, ReproducibleFromSeedAndKeyAndDifferentPerKeyAndSeed) {
  const auto a = random_content_seed(42, "obj-1");
  EXPECT_EQ(a, random_content_seed(42, "obj-1"));
  EXPECT_NE(a, random_content_seed(42, "obj-2"));
  EXPECT_NE(a, random_content_seed(43, "obj-1"));
  EXPECT_EQ(object(a, 0, 1000), object(random_content_seed(42, "obj-1"), 0, 1000));
  EXPECT_NE(object(a, 0, 1000), object(random_content_seed(42, "obj-2"), 0, 1000));
}

// Known bytes: the first word of the stream is mix(seed + golden), written little-endian; the
// Python tests reproduce the same formula.
TEST(RandomContent, FirstWordIsTheSplitmixFinalizerLittleEndian) {
  std::uint64_t z = 7 + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  const std::string bytes = object(7, 0, 8);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(static_cast<unsigned char>(bytes[i]), (z >> (8 * i)) & 0xff);
}

TEST(RandomContent, AnyWindowIsTheSameBytesAsTheWholeObject) {
  const std::string whole = object(99, 0, 4099);
  for (std::uint64_t offset : {0u, 1u, 7u, 8u, 13u, 1024u, 4000u}) {
    for (std::size_t size : {0u, 1u, 5u, 8u, 9u, 63u, 99u}) {
      if (offset + size > whole.size()) continue;
      EXPECT_EQ(object(99, offset, size), whole.substr(offset, size)) << offset << "+" << size;
    }
  }
}

std::string object_by(FillPath path, std::uint64_t seed, std::uint64_t offset, std::size_t size) {
  std::string out(size, '\0');
  fill_random_content(path, seed, offset, std::span<char>(out.data(), out.size()));
  return out;
}

// The vector generators against the scalar one, at every start alignment within and across
// words and every length up to several vector rounds (their main loops, their single-vector
// loops and their scalar tails), and far into the stream (a late part's offset).
TEST(RandomContent, VectorPathsWriteTheScalarBytesAtEveryOffsetAndLength) {
  ASSERT_TRUE(fill_path_supported(FillPath::kScalar));
  int compared = 0;
  for (const FillPath path : {FillPath::kAvx2, FillPath::kAvx512}) {
    if (!fill_path_supported(path)) continue;
    ++compared;
    for (const std::uint64_t base : {std::uint64_t{0}, std::uint64_t{56} << 20}) {
      for (std::uint64_t offset = base; offset < base + 24; ++offset) {
        for (std::size_t size = 0; size <= 300; ++size) {
          ASSERT_EQ(object_by(path, 0xfeed, offset, size),
                    object_by(FillPath::kScalar, 0xfeed, offset, size))
              << static_cast<int>(path) << " at " << offset << "+" << size;
        }
      }
    }
    EXPECT_EQ(object_by(path, 3, 5, 1 << 20), object_by(FillPath::kScalar, 3, 5, 1 << 20));
  }
  // This project's machines have AVX-512; elsewhere the comparison is of what the CPU runs.
  if (compared == 0) GTEST_SKIP() << "no vector path on this CPU";
}

TEST(RandomContent, TheDefaultPathIsTheBestSupportedOne) {
  EXPECT_TRUE(fill_path_supported(best_fill_path()));
  EXPECT_EQ(object(11, 3, 5000), object_by(FillPath::kScalar, 11, 3, 5000));
}

TEST(RandomContent, FilledWhileHashedGivesTheSameBytesAndTheirSha256) {
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536},
                                 std::size_t{65537}, std::size_t{300000}}) {
    std::string out(size, '\0');
    sigv4::Sha256 hash;
    fill_random_content(77, 13, std::span<char>(out.data(), out.size()), hash);
    EXPECT_EQ(out, object_by(FillPath::kScalar, 77, 13, size)) << size;
    EXPECT_EQ(hash.finish(), sigv4::sha256(out)) << size;
  }
}

TEST(RandomContent, BytesAreNotARepeatedPattern) {
  const std::string body = object(5, 0, 64 * 1024);
  EXPECT_NE(body.substr(0, 1024), body.substr(1024, 1024));
  EXPECT_NE(body.find_first_not_of('\0'), std::string::npos);
}

// Feeds `body` in pieces of `piece` bytes, as a connection would.
bool check(ContentCheck& c, std::string_view body, std::size_t piece, unsigned status = 200) {
  c.on_response(status);
  for (std::size_t at = 0; at < body.size(); at += piece) {
    c.on_body(at, body.substr(at, piece));
  }
  return c.matched(body.size());
}

TEST(ContentCheck, RandomWholeAndRangeMatchAndOneFlippedByteDoesNot) {
  const auto seed = random_content_seed(1, "k");
  const std::string whole = object(seed, 0, 10000);
  ContentCheck c;
  c.expect_random(seed, 0, whole.size());
  EXPECT_TRUE(check(c, whole, 1460));
  c.expect_random(seed, 4096, 4096);
  EXPECT_TRUE(check(c, whole.substr(4096, 4096), 1000));
  std::string bad = whole;
  bad[5000] ^= 1;
  c.expect_random(seed, 0, whole.size());
  EXPECT_FALSE(check(c, bad, 1460));
  // Another object's bytes, or the right bytes at the wrong offset.
  c.expect_random(random_content_seed(1, "other"), 0, whole.size());
  EXPECT_FALSE(check(c, whole, 4096));
  c.expect_random(seed, 8, 4096);
  EXPECT_FALSE(check(c, whole.substr(0, 4096), 4096));
}

TEST(ContentCheck, LengthIsCheckedWhenKnown) {
  const auto seed = random_content_seed(1, "k");
  const std::string whole = object(seed, 0, 3000);
  ContentCheck c;
  c.expect_random(seed, 0, 3000);
  EXPECT_FALSE(check(c, whole.substr(0, 2999), 512));  // cut short
  c.expect_random(seed, 0, 2000);
  EXPECT_FALSE(check(c, whole, 512));  // more than asked for
  c.expect_random(seed, 0, std::nullopt);
  EXPECT_TRUE(check(c, whole.substr(0, 1234), 512));
  c.expect_random(seed, 0, 3000);
  EXPECT_FALSE(check(c, "", 1));  // an empty 200 where an object was written
}

TEST(ContentCheck, ARetryStartsOverAndErrorBodiesAreNotChecked) {
  const auto seed = random_content_seed(1, "k");
  const std::string whole = object(seed, 0, 2048);
  std::string bad = whole;
  bad[10] ^= 1;
  ContentCheck c;
  c.expect_random(seed, 0, whole.size());
  check(c, bad, 2048);                     // first attempt: a bad body, then a reset
  check(c, "<Error>...</Error>", 8, 503);  // second: an error answer
  EXPECT_TRUE(check(c, whole, 2048));      // third: the right body
}

TEST(ContentCheck, RepeatIsAPrefixOfThePatternOrRepeatsEachPart) {
  const std::string pattern = object(3, 0, 4096);
  ContentCheck c;
  c.expect_repeat(pattern, 0, 1000);
  EXPECT_TRUE(check(c, pattern.substr(0, 1000), 300));
  c.expect_repeat(pattern, 100, 50);
  EXPECT_TRUE(check(c, pattern.substr(100, 50), 7));
  c.expect_repeat(pattern, 0, 5000);
  EXPECT_FALSE(check(c, pattern + std::string(904, 'x'), 4096));  // longer than anything written
  // Parts of 1000 bytes: each part is the pattern's first 1000 bytes.
  const std::string part = pattern.substr(0, 1000);
  const std::string multipart = part + part + part.substr(0, 500);
  c.expect_repeat(pattern, 0, multipart.size(), 1000);
  EXPECT_TRUE(check(c, multipart, 333));
  c.expect_repeat(pattern, 900, 200, 1000);
  EXPECT_TRUE(check(c, multipart.substr(900, 200), 64));
  c.expect_repeat(pattern, 0, multipart.size());
  EXPECT_FALSE(check(c, multipart, 333));  // not a plain prefix
}

}  // namespace
}  // namespace s3storm::s3
