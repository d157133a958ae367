#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "target/huge_page_allocator.hpp"
#include "target/key_map.hpp"

namespace s3storm::target {
namespace {

TEST(KeyMap, FindsWhatWasInsertedAndNothingElse) {
  KeyMap<int> map;
  EXPECT_EQ(map.find("a"), nullptr);  // no table yet
  EXPECT_TRUE(map.insert_or_assign("a", 1));
  EXPECT_TRUE(map.insert_or_assign("b", 2));
  ASSERT_NE(map.find("a"), nullptr);
  EXPECT_EQ(*map.find("a"), 1);
  EXPECT_EQ(*map.find("b"), 2);
  EXPECT_EQ(map.find("c"), nullptr);
  EXPECT_EQ(map.find(""), nullptr);
  EXPECT_EQ(map.size(), 2u);
}

TEST(KeyMap, AssigningAnExistingKeyReplacesItsValueInPlace) {
  KeyMap<std::string> map;
  EXPECT_TRUE(map.insert_or_assign("key", "first"));
  const std::string* before = map.find("key");
  EXPECT_FALSE(map.insert_or_assign("key", "second"));
  EXPECT_EQ(map.find("key"), before);
  EXPECT_EQ(*map.find("key"), "second");
  EXPECT_EQ(map.size(), 1u);
}

TEST(KeyMap, EraseMovesTheLastEntryAndKeepsEveryKeyReachable) {
  KeyMap<int> map;
  for (int i = 0; i < 100; ++i) map.insert_or_assign("k" + std::to_string(i), i);
  EXPECT_TRUE(map.erase("k0"));  // the last entry takes the first one's place
  EXPECT_FALSE(map.erase("k0"));
  EXPECT_EQ(map.find("k0"), nullptr);
  EXPECT_EQ(map.size(), 99u);
  EXPECT_EQ(map.entries().front().key, "k99");
  for (int i = 1; i < 100; ++i) {
    const int* value = map.find("k" + std::to_string(i));
    ASSERT_NE(value, nullptr) << i;
    EXPECT_EQ(*value, i);
  }
  EXPECT_TRUE(map.erase("k99"));
  EXPECT_TRUE(map.erase("k98"));  // now the last one: nothing moves
  EXPECT_EQ(map.size(), 97u);
}

TEST(KeyMap, EmptyKeyIsAKeyLikeAnyOther) {
  KeyMap<int> map;
  EXPECT_TRUE(map.insert_or_assign("", 7));
  ASSERT_NE(map.find(""), nullptr);
  EXPECT_EQ(*map.find(""), 7);
  EXPECT_TRUE(map.erase(""));
  EXPECT_TRUE(map.empty());
}

// Random inserts, overwrites and erases over a small key space, checked against
// std::unordered_map after every step: long probe runs, wrap-around at the table's end, growth
// and the backward shift of erase all happen many times over.
TEST(KeyMap, AgreesWithStdUnorderedMapUnderRandomChurn) {
  std::mt19937 random(20261126);
  std::uniform_int_distribution<int> key_of(0, 3000);
  std::uniform_int_distribution<int> action(0, 9);
  KeyMap<int> map;
  std::unordered_map<std::string, int> reference;
  for (int step = 0; step < 60000; ++step) {
    const std::string key = "bucket/" + std::to_string(key_of(random));
    const int choice = action(random);
    if (choice < 5) {
      EXPECT_EQ(map.insert_or_assign(key, step), reference.insert_or_assign(key, step).second);
    } else if (choice < 8) {
      EXPECT_EQ(map.erase(key), reference.erase(key) == 1);
    } else {
      const int* found = map.find(key);
      const auto expected = reference.find(key);
      ASSERT_EQ(found != nullptr, expected != reference.end()) << key;
      if (found != nullptr) {
        EXPECT_EQ(*found, expected->second);
      }
    }
    ASSERT_EQ(map.size(), reference.size());
  }
  for (const auto& [key, value] : reference) {
    const int* found = map.find(key);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_EQ(*found, value);
  }
  std::vector<std::string> listed;
  for (const auto& entry : map.entries()) listed.push_back(entry.key);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(std::adjacent_find(listed.begin(), listed.end()), listed.end());
  EXPECT_EQ(listed.size(), reference.size());
}

TEST(HugePageAllocator, BigArraysStartOnAHugePageAndAllWork) {
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> big(1 << 20, 7);  // 8 MiB
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data()) % (2 << 20), 0u);
  EXPECT_EQ(big.front() + big.back(), 14u);
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> small(100, 1);
  EXPECT_EQ(small[99], 1u);
  small.assign(1 << 19, 2);  // grows from malloc'd to huge-page memory
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(small.data()) % (2 << 20), 0u);
  EXPECT_EQ(small.back(), 2u);
}

}  // namespace
}  // namespace s3storm::target
