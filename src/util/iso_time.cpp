#include "util/iso_time.hpp"

namespace s3storm {

using namespace std::chrono;

namespace {

// Reads exactly `width` digits at text[pos] and moves pos past them.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string format_iso8601(system_clock::time_point time) {
  const auto ms = floor<milliseconds>(time);
  const sys_days day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> clock{ms - day};
  // Digits by hand: the embedded target writes one per listed object and per event.
  std::string out = "0000-00-00T00:00:00.000Z";
  const auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(static_cast<int>(ymd.year()) % 10000), 4);
  put(5, static_cast<unsigned>(ymd.month()), 2);
  put(8, static_cast<unsigned>(ymd.day()), 2);
  put(11, static_cast<unsigned>(clock.hours().count()), 2);
  put(14, static_cast<unsigned>(clock.minutes().count()), 2);
  put(17, static_cast<unsigned>(clock.seconds().count()), 2);
  put(20, static_cast<unsigned>(clock.subseconds().count()), 3);
  return out;
}

std::optional<system_clock::time_point> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  const auto y = digits(text, pos, 4);
  if (!y || !expect(text, pos, '-')) return std::nullopt;
  const auto mo = digits(text, pos, 2);
  if (!mo || !expect(text, pos, '-')) return std::nullopt;
  const auto d = digits(text, pos, 2);
  if (!d || !expect(text, pos, 'T')) return std::nullopt;
  const auto h = digits(text, pos, 2);
  if (!h || !expect(text, pos, ':')) return std::nullopt;
  const auto mi = digits(text, pos, 2);
  if (!mi || !expect(text, pos, ':')) return std::nullopt;
  const auto s = digits(text, pos, 2);
  if (!s) return std::nullopt;
  nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t count = 0;
    long long value = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++count) {
      if (count == 9) return std::nullopt;
      value = value * 10 + (text[pos] - '0');
    }
    if (count == 0) return std::nullopt;
    for (; count < 9; ++count) value *= 10;
    fraction = nanoseconds{value};
  }
  if (!expect(text, pos, 'Z') || pos != text.size()) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  // The clock counts nanoseconds in 64 bits (years 1677 to 2262), four digits of year go further:
  // outside, the time saturates rather than overflows, which keeps every comparison right (a
  // policy expiring in 9999 has not expired).
  const sys_seconds whole = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*s};
  constexpr auto kLast = floor<seconds>(system_clock::time_point::max());
  constexpr auto kFirst = ceil<seconds>(system_clock::time_point::min());
  if (whole >= kLast) return system_clock::time_point::max();
  if (whole < kFirst) return system_clock::time_point::min();
  return system_clock::time_point{whole} + duration_cast<system_clock::duration>(fraction);
}

}  // namespace s3storm
