#include "target/key_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "target/slot_array.hpp"

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
// and the backward shift of erase all happen many times over. With one slot moved per insert, an
// outgrown table lives beside the new one for most of the run, and growing again finds the old
// one still full of keys.
void agrees_with_unordered_map_under_churn(std::size_t move_per_insert) {
  std::mt19937 random(20261126);
  std::uniform_int_distribution<int> key_of(0, 3000);
  std::uniform_int_distribution<int> action(0, 9);
  KeyMap<int> map(move_per_insert);
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

TEST(KeyMap, AgreesWithStdUnorderedMapUnderRandomChurn) {
  agrees_with_unordered_map_under_churn(8);
}

TEST(KeyMap, AgreesWithStdUnorderedMapWhileTablesMoveSlowly) {
  agrees_with_unordered_map_under_churn(1);
}

// Growth in steps: right after a table is outgrown, its keys are still found, overwritten and
// erased in place, and the keys added meanwhile go to the new table.
TEST(KeyMap, KeysOfAnOutgrownTableStayUsableWhileTheyMove) {
  KeyMap<int> map(/*move_per_insert=*/0);  // nothing moves: every old key stays in the old table
  for (int i = 0; i < 8; ++i) map.insert_or_assign("old" + std::to_string(i), i);
  map.insert_or_assign("new", 100);  // 9 keys: the 16-slot table is outgrown
  for (int i = 0; i < 8; ++i) {
    ASSERT_NE(map.find("old" + std::to_string(i)), nullptr) << i;
    EXPECT_EQ(*map.find("old" + std::to_string(i)), i);
  }
  EXPECT_FALSE(map.insert_or_assign("old3", 33));
  EXPECT_EQ(*map.find("old3"), 33);
  EXPECT_TRUE(map.erase("old0"));  // the last entry ("new") takes its place
  EXPECT_EQ(map.find("old0"), nullptr);
  EXPECT_EQ(*map.find("new"), 100);
  EXPECT_EQ(map.size(), 8u);
  // Growing again first empties the old table, which still holds seven keys.
  for (int i = 0; i < 9; ++i) map.insert_or_assign("more" + std::to_string(i), i);
  for (int i = 1; i < 8; ++i) EXPECT_NE(map.find("old" + std::to_string(i)), nullptr) << i;
  for (int i = 0; i < 9; ++i) EXPECT_NE(map.find("more" + std::to_string(i)), nullptr) << i;
  EXPECT_EQ(map.size(), 17u);
}

// Past 2^17 keys the table is 2 MiB or more: after each growth its pages are faulted in one per
// insert before the old slots move.
TEST(KeyMap, KeysStayFoundAcrossGrowthsIntoHugePageTables) {
  KeyMap<std::size_t> map;
  constexpr std::size_t kKeys = 300'000;
  for (std::size_t i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(map.insert_or_assign("bench/" + std::to_string(i), i));
    if (i % 1000 == 999) {
      ASSERT_TRUE(map.erase("bench/" + std::to_string(i - 500)));
    }
  }
  EXPECT_EQ(map.size(), kKeys - kKeys / 1000);
  for (std::size_t i = 0; i < kKeys; ++i) {
    const std::size_t* value = map.find("bench/" + std::to_string(i));
    if (i % 1000 == 499) {
      EXPECT_EQ(value, nullptr) << i;
    } else {
      ASSERT_NE(value, nullptr) << i;
      EXPECT_EQ(*value, i);
    }
  }
}

TEST(SlotArray, BigArraysStartZeroedOnAHugePageBoundary) {
  SlotArray big(1 << 20);  // 8 MiB, from mmap
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data()) % SlotArray::kHugePage, 0u);
  EXPECT_EQ(big[0] + big[12345] + big[(1 << 20) - 1], 0u);
  big[(1 << 20) - 1] = 7;
  SlotArray moved = std::move(big);
  EXPECT_TRUE(big.empty());
  EXPECT_EQ(moved[(1 << 20) - 1], 7u);
  SlotArray small(100);  // from calloc
  EXPECT_EQ(small[99], 0u);
  small = std::move(moved);  // frees the calloc'd array, takes the mapped one
  EXPECT_EQ(small.size(), 1u << 20);
  EXPECT_EQ(small[(1 << 20) - 1], 7u);
}

}  // namespace
}  // namespace s3storm::target
