#include "util/bulk_buffer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace s3storm {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

// The AnonHugePages line of the mapping holding `address`, in KiB; -1 when none was found.
long anon_huge_kib(const void* address) {
  const auto where = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t low = 0;
    std::uintptr_t high = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> low >> dash >> high && dash == '-') {
      inside = low <= where && where < high;
    } else if (inside && line.rfind("AnonHugePages:", 0) == 0) {
      return std::stol(line.substr(14));
    }
  }
  return -1;
}

bool huge_pages_enabled() {
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text;
  std::getline(mode, text);
  return text.find("[never]") == std::string::npos && !text.empty();
}

TEST(BulkBuffer, SmallBuffersKeepTheirSizeAndContentUntilTheyMustGrow) {
  BulkBuffer buffer(1000);
  EXPECT_EQ(buffer.capacity(), 1000u);
  std::memset(buffer.data(), 'x', 1000);
  buffer.grow_to(10);  // smaller: nothing changes
  EXPECT_EQ(buffer.capacity(), 1000u);
  EXPECT_EQ(buffer.data()[999], 'x');
  buffer.grow_to(5000);
  EXPECT_EQ(buffer.capacity(), 5000u);
  buffer.first(5000).back() = 'y';
  EXPECT_EQ(buffer.data()[4999], 'y');
}

TEST(BulkBuffer, LargeBuffersStartOnAHugePageBoundaryAndAreAdvisedForHugePages) {
  BulkBuffer buffer(5 * kHugePage - 1);
  EXPECT_EQ(buffer.capacity(), 5 * kHugePage);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(buffer.data()) % kHugePage, 0u);
  std::memset(buffer.data(), 1, buffer.capacity());
  if (!huge_pages_enabled()) GTEST_SKIP() << "transparent huge pages are off on this machine";
  // Without the advice, THP's "madvise" mode (Debian's) would back all of it with 4 KiB pages.
  EXPECT_GT(anon_huge_kib(buffer.data()), 0);
}

TEST(BulkBuffer, MovesHandTheMemoryOver) {
  BulkBuffer first(3 * kHugePage);
  first.data()[7] = 'q';
  BulkBuffer second(std::move(first));
  EXPECT_EQ(first.capacity(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state
  EXPECT_EQ(second.data()[7], 'q');
  BulkBuffer third(100);
  third = std::move(second);
  EXPECT_EQ(third.capacity(), 3 * kHugePage);
  EXPECT_EQ(third.data()[7], 'q');
}

}  // namespace
}  // namespace s3storm
