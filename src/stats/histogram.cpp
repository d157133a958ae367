#include "stats/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "stats/relaxed.hpp"

namespace s3storm::stats {

namespace {

constexpr std::uint64_t kSubBucketCount = std::uint64_t{1} << Histogram::kSubBucketBits;
constexpr std::uint64_t kHalfCount = kSubBucketCount / 2;

// Highest bucket: the top power-of-two range of kMaxTrackable.
static_assert(Histogram::kBucketCount ==
              kSubBucketCount + (32 - Histogram::kSubBucketBits) * kHalfCount);

}  // namespace

void Histogram::allocate() {
  if (counts_.empty()) counts_.assign(kBucketCount, 0);
}

bool operator==(const Histogram& a, const Histogram& b) noexcept {
  if (a.count_ != b.count_ || a.overflow_ != b.overflow_ || a.min_ != b.min_ || a.max_ != b.max_ ||
      a.sum_ != b.sum_) {
    return false;
  }
  if (a.counts_.empty() || b.counts_.empty()) {
    const auto& other = a.counts_.empty() ? b.counts_ : a.counts_;
    return std::all_of(other.begin(), other.end(), [](std::uint64_t n) { return n == 0; });
  }
  return a.counts_ == b.counts_;
}

// Below kSubBucketCount each value has its own bucket. Above, a value whose highest set bit is
// `msb` is shifted right so that it keeps kSubBucketBits significant bits; those bits, minus the
// leading one, pick one of kHalfCount buckets in that power-of-two range.
std::size_t Histogram::bucket_index(std::uint64_t value) noexcept {
  if (value < kSubBucketCount) return static_cast<std::size_t>(value);
  const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(value));
  const unsigned shift = msb - (kSubBucketBits - 1);
  return static_cast<std::size_t>(kSubBucketCount + (shift - 1) * kHalfCount +
                                  ((value >> shift) - kHalfCount));
}

std::uint64_t Histogram::bucket_lowest(std::size_t index) noexcept {
  if (index < kSubBucketCount) return index;
  const std::uint64_t above = index - kSubBucketCount;
  const unsigned shift = static_cast<unsigned>(above / kHalfCount) + 1;
  return (kHalfCount + above % kHalfCount) << shift;
}

std::uint64_t Histogram::bucket_highest(std::size_t index) noexcept {
  if (index < kSubBucketCount) return index;
  const unsigned shift = static_cast<unsigned>((index - kSubBucketCount) / kHalfCount) + 1;
  return bucket_lowest(index) + (std::uint64_t{1} << shift) - 1;
}

void Histogram::record_n(std::uint64_t value, std::uint64_t n) noexcept {
  if (n == 0) return;
  if (value <= kMaxTrackable) {
    if (counts_.empty()) [[unlikely]] {
      allocate();
    }
    add_relaxed(counts_[bucket_index(value)], n);
  } else {
    add_relaxed(overflow_, n);
  }
  add_relaxed(count_, n);
  add_relaxed(sum_, value * n);
  if (value < min_) store_relaxed(min_, value);
  if (value > max_) store_relaxed(max_, value);
}

void Histogram::add_live(const Histogram& other) noexcept {
  if (load_relaxed(other.count_) == 0) return;
  std::uint64_t seen = 0;
  std::size_t first = kBucketCount;
  std::size_t last = 0;
  // The writer allocated its array before any reader could see it (allocate()), or has only
  // overflowed values.
  if (!other.counts_.empty()) {
    allocate();
    for (std::size_t i = 0; i < kBucketCount; ++i) {
      const std::uint64_t n = load_relaxed(other.counts_[i]);
      if (n == 0) continue;
      counts_[i] += n;
      seen += n;
      first = std::min(first, i);
      last = i;
    }
  }
  const std::uint64_t overflow = load_relaxed(other.overflow_);
  seen += overflow;
  if (seen == 0) return;
  overflow_ += overflow;
  count_ += seen;
  sum_ += load_relaxed(other.sum_);
  std::uint64_t lowest = load_relaxed(other.min_);
  std::uint64_t highest = load_relaxed(other.max_);
  if (lowest > highest) {
    // The first value's bucket was read before its min/max stores: bound it by the buckets, so
    // that min() <= max() holds for the percentiles.
    lowest = first < kBucketCount ? bucket_lowest(first) : kMaxTrackable + 1;
    highest = std::max(highest, first < kBucketCount ? bucket_highest(last) : lowest);
  }
  min_ = std::min(min_, lowest);
  max_ = std::max(max_, highest);
}

void Histogram::counts_at_or_below(const std::uint64_t* bounds, std::size_t n,
                                   std::uint64_t* counts) const noexcept {
  std::uint64_t seen = 0;
  std::size_t b = 0;
  for (std::size_t i = 0; i < counts_.size() && b < n; ++i) {
    const std::uint64_t highest = bucket_highest(i);
    while (b < n && bounds[b] < highest) counts[b++] = seen;
    seen += counts_[i];
  }
  while (b < n) counts[b++] = seen;
}

void Histogram::merge(const Histogram& other) noexcept {
  if (other.count_ == 0) return;
  if (!other.counts_.empty()) {
    allocate();
    for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  }
  count_ += other.count_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double Histogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

std::uint64_t Histogram::value_at_percentile(double percentile) const noexcept {
  if (count_ == 0) return 0;
  if (!(percentile > 0.0)) return min();  // also catches NaN
  if (percentile >= 100.0) return max_;
  // Nearest rank. The tiny downward nudge keeps 99.9% of 1000 at rank 999, not 1000, when the
  // product lands a hair above an integer.
  const long double exact =
      static_cast<long double>(percentile) / 100.0L * static_cast<long double>(count_);
  auto rank = static_cast<std::uint64_t>(std::ceil(exact * (1.0L - 1e-12L)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  if (rank > count_ - overflow_) return max_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_highest(i), min(), max_);
  }
  return max_;  // unreachable while the counts agree with count_
}

void Histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  overflow_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

Histogram::Data Histogram::export_data() const {
  Data data;
  data.min = min();
  data.max = max_;
  data.sum = sum_;
  data.overflow = overflow_;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) data.counts.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  }
  return data;
}

Histogram Histogram::from_data(const Data& data) {
  Histogram h;
  std::size_t previous = 0;
  bool first = true;
  for (const auto& [index, n] : data.counts) {
    if (index >= kBucketCount) {
      throw std::invalid_argument("histogram bucket index " + std::to_string(index) +
                                  " is out of range");
    }
    if (!first && index <= previous) {
      throw std::invalid_argument("histogram bucket indexes are not strictly increasing");
    }
    if (n == 0) throw std::invalid_argument("histogram bucket with a zero count");
    h.allocate();
    h.counts_[index] = n;
    h.count_ += n;
    previous = index;
    first = false;
  }
  h.overflow_ = data.overflow;
  h.count_ += data.overflow;
  if (h.count_ == 0) {
    if (data.min != 0 || data.max != 0 || data.sum != 0) {
      throw std::invalid_argument("empty histogram with a nonzero min, max or sum");
    }
    return h;
  }
  // min and max must lie in the lowest and highest occupied buckets (or overflow).
  const std::uint64_t lowest_possible =
      data.counts.empty() ? kMaxTrackable + 1 : bucket_lowest(data.counts.front().first);
  const std::uint64_t highest_possible =
      data.overflow > 0 ? UINT64_MAX : bucket_highest(data.counts.back().first);
  const bool min_fits =
      data.counts.empty()
          ? data.min > kMaxTrackable
          : data.min >= lowest_possible && data.min <= bucket_highest(data.counts.front().first);
  const bool max_fits = data.overflow > 0 ? data.max > kMaxTrackable
                                          : data.max >= bucket_lowest(data.counts.back().first) &&
                                                data.max <= highest_possible;
  if (!min_fits || !max_fits || data.min > data.max) {
    throw std::invalid_argument("histogram min/max do not match its buckets");
  }
  h.min_ = data.min;
  h.max_ = data.max;
  h.sum_ = data.sum;
  return h;
}

}  // namespace s3storm::stats
