#include "s3/post_form.hpp"

#include <gtest/gtest.h>

namespace s3storm::s3 {
namespace {

TEST(PostForm, FieldsThenFileThenClosingBoundary) {
  PostFormFrame frame;
  write_post_form(frame, "XyZ", {{"key", "dir/a b.txt"}, {"policy", "eyJ9"}}, "a b.txt",
                  "text/plain");
  EXPECT_EQ(frame.content_type, "multipart/form-data; boundary=XyZ");
  EXPECT_EQ(frame.prefix,
            "--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\ndir/a b.txt\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"policy\"\r\n\r\neyJ9\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(frame.suffix, "\r\n--XyZ--\r\n");
}

TEST(PostForm, ReusesBuffers) {
  PostFormFrame frame;
  write_post_form(frame, "b1", {{"key", "long-key-name"}}, "f", "application/octet-stream");
  write_post_form(frame, "b2", {}, "f", "application/octet-stream");
  EXPECT_EQ(frame.prefix.find("b1"), std::string::npos);
  EXPECT_EQ(frame.suffix, "\r\n--b2--\r\n");
}

}  // namespace
}  // namespace s3storm::s3
