#pragma once

// The SigV4 timestamp "YYYYMMDDTHHMMSSZ" (x-amz-date), kept in a fixed buffer so formatting it
// on the hot path allocates nothing.

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

namespace s3storm::sigv4 {

class AmzDate {
 public:
  static AmzDate from_time(std::chrono::system_clock::time_point time);
  // Any year 0000-9999, as a received x-amz-date may say: system_clock's nanoseconds end in 2262.
  static AmzDate from_seconds(std::chrono::sys_seconds time);
  // Accepts exactly "YYYYMMDDTHHMMSSZ" with a valid calendar date and time.
  static std::optional<AmzDate> parse(std::string_view text);

  std::string_view text() const { return {text_.data(), text_.size()}; }
  std::string_view date() const { return text().substr(0, 8); }  // the scope date, YYYYMMDD
  std::chrono::sys_seconds time() const { return time_; }

 private:
  std::array<char, 16> text_{};
  std::chrono::sys_seconds time_{};
};

// Parses an HTTP date ("Fri, 24 May 2013 00:00:00 GMT"), which SigV4 allows in place of x-amz-date.
std::optional<AmzDate> parse_http_date(std::string_view text);

}  // namespace s3storm::sigv4
