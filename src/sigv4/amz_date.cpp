#include "sigv4/amz_date.hpp"

#include <array>

namespace s3storm::sigv4 {
namespace {

std::optional<int> parse_digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<AmzDate> from_fields(int year, int month, int day, int hour, int minute, int second) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return AmzDate::from_seconds(sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second});
}

}  // namespace

AmzDate AmzDate::from_time(std::chrono::system_clock::time_point time) {
  return from_seconds(std::chrono::floor<std::chrono::seconds>(time));
}

AmzDate AmzDate::from_seconds(std::chrono::sys_seconds time) {
  using namespace std::chrono;
  AmzDate out;
  out.time_ = time;
  const sys_days day = floor<days>(out.time_);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> clock{out.time_ - day};
  // Digits written by hand: this runs once per signature and snprintf would dominate it.
  const auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      out.text_[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(static_cast<int>(ymd.year()) % 10000), 4);
  put(4, static_cast<unsigned>(ymd.month()), 2);
  put(6, static_cast<unsigned>(ymd.day()), 2);
  out.text_[8] = 'T';
  put(9, static_cast<unsigned>(clock.hours().count()), 2);
  put(11, static_cast<unsigned>(clock.minutes().count()), 2);
  put(13, static_cast<unsigned>(clock.seconds().count()), 2);
  out.text_[15] = 'Z';
  return out;
}

std::optional<AmzDate> AmzDate::parse(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  const auto year = parse_digits(text.substr(0, 4));
  const auto month = parse_digits(text.substr(4, 2));
  const auto day = parse_digits(text.substr(6, 2));
  const auto hour = parse_digits(text.substr(9, 2));
  const auto minute = parse_digits(text.substr(11, 2));
  const auto second = parse_digits(text.substr(13, 2));
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  return from_fields(*year, *month, *day, *hour, *minute, *second);
}

std::optional<AmzDate> parse_http_date(std::string_view text) {
  // IMF-fixdate only: "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters).
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT")
    return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  const auto day = parse_digits(text.substr(5, 2));
  const auto year = parse_digits(text.substr(12, 4));
  const auto hour = parse_digits(text.substr(17, 2));
  const auto minute = parse_digits(text.substr(20, 2));
  const auto second = parse_digits(text.substr(23, 2));
  if (month == 0 || !day || !year || !hour || !minute || !second || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  return from_fields(*year, month, *day, *hour, *minute, *second);
}

}  // namespace s3storm::sigv4
