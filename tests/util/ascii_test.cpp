#include "util/ascii.hpp"

#include <gtest/gtest.h>

namespace s3storm::ascii {
namespace {

TEST(Ascii, LowerCopyFoldsOnlyAsciiLetters) {
  EXPECT_EQ(lower_copy("X-Amz-Meta-ABC_09@[`{"), "x-amz-meta-abc_09@[`{");
  EXPECT_EQ(lower_copy(""), "");
  EXPECT_EQ(lower_copy("\xC1\xE1\xFF"), "\xC1\xE1\xFF");  // bytes past 0x7f stay as they are
}

}  // namespace
}  // namespace s3storm::ascii
