#include "util/hex.hpp"

#include <gtest/gtest.h>

namespace s3storm::hex {
namespace {

TEST(Hex, EncodesLowerCaseAcrossTheStackBufferBoundary) {
  EXPECT_EQ(encode(std::string_view("\x00\x0f\xab\xff", 4)), "000fabff");
  const std::array<unsigned char, 2> digest{0xde, 0xad};
  EXPECT_EQ(encode(digest), "dead");
  // 100 bytes: more than one 64-byte chunk of the stack buffer.
  std::string bytes;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    bytes.push_back(static_cast<char>(i * 7));
    expected.push_back(kLowerDigits[(i * 7 & 0xff) >> 4]);
    expected.push_back(kLowerDigits[i * 7 & 0x0f]);
  }
  std::string out = "prefix:";
  append(out, bytes);
  EXPECT_EQ(out, "prefix:" + expected);
}

TEST(Hex, DigitValuesOfEitherCase) {
  EXPECT_EQ(digit_value('0'), 0);
  EXPECT_EQ(digit_value('9'), 9);
  EXPECT_EQ(digit_value('a'), 10);
  EXPECT_EQ(digit_value('F'), 15);
  for (char c : {'g', 'G', '/', ':', '@', '`', ' ', '\xff'}) EXPECT_EQ(digit_value(c), -1) << c;
  EXPECT_TRUE(is_lower_digit('f'));
  EXPECT_FALSE(is_lower_digit('F'));
  EXPECT_TRUE(is_digit('F'));
}

TEST(Hex, DecodesWhatItEncodesAndRejectsTheRest) {
  const std::string bytes("K\x00key/\xff", 7);
  EXPECT_EQ(decode(encode(bytes)), bytes);
  EXPECT_EQ(decode("DEADbeef"), std::string("\xde\xad\xbe\xef"));
  EXPECT_EQ(decode(""), std::string());
  EXPECT_EQ(decode("abc"), std::nullopt);
  EXPECT_EQ(decode("zz"), std::nullopt);
}

}  // namespace
}  // namespace s3storm::hex
