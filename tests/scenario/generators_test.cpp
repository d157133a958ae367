// Key templates, size distributions and the generator: expansion, statistics and reproducibility.

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "scenario/key_template.hpp"
#include "scenario/size_spec.hpp"
#include "scenario/units.hpp"

namespace s3storm::scenario {
namespace {

TEST(KeyTemplate, ExpandsEveryVariable) {
  const auto t = KeyTemplate::compile("{phase}/{worker}-{seq}-{iter}/{{x}}/{last}");
  Rng rng(1);
  KeyContext ctx;
  ctx.iter = 12;
  ctx.seq = 3;
  ctx.worker = 7;
  ctx.phase = "storm";
  ctx.last = "prev key";
  EXPECT_EQ(t.expand(ctx, rng), "storm/7-3-12/{x}/prev key");
}

TEST(KeyTemplate, AppendsWithoutClearing) {
  const auto t = KeyTemplate::compile("k{iter}");
  Rng rng(1);
  std::string out = "prefix/";
  KeyContext ctx;
  ctx.iter = 5;
  t.expand(out, ctx, rng);
  EXPECT_EQ(out, "prefix/k5");
}

TEST(KeyTemplate, KeepsUnicodeSpacesAndReservedCharactersVerbatim) {
  const auto t = KeyTemplate::compile("a b/ü?&=+#%-{seq}");
  Rng rng(1);
  KeyContext ctx;
  EXPECT_EQ(t.expand(ctx, rng), "a b/ü?&=+#%-0");
}

TEST(KeyTemplate, RandAndUuidHaveTheirShape) {
  const auto t = KeyTemplate::compile("{rand:12}|{uuid}");
  Rng rng(42);
  KeyContext ctx;
  const std::string key = t.expand(ctx, rng);
  ASSERT_EQ(key.size(), 12u + 1 + 36);
  for (char c : key.substr(0, 12)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  const std::string uuid = key.substr(13);
  EXPECT_EQ(uuid[8], '-');
  EXPECT_EQ(uuid[13], '-');
  EXPECT_EQ(uuid[14], '4');  // version 4
  EXPECT_EQ(uuid[18], '-');
  EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos);  // RFC 4122 variant
  EXPECT_EQ(uuid[23], '-');
}

TEST(KeyTemplate, HashIsAFunctionOfTheRestOfTheKey) {
  const auto t = KeyTemplate::compile("{hash:4}/obj-{seq}");
  Rng rng(1);
  KeyContext a;
  a.seq = 1;
  KeyContext b;
  b.seq = 2;
  const std::string ka = t.expand(a, rng);
  EXPECT_EQ(ka, t.expand(a, rng));  // deterministic, no randomness used
  EXPECT_NE(ka, t.expand(b, rng));
  EXPECT_EQ(ka.substr(4), "/obj-1");
  for (char c : ka.substr(0, 4))
    EXPECT_NE(std::string("0123456789abcdef").find(c), std::string::npos);
}

TEST(KeyTemplate, HashPrefixesSpreadEvenly) {
  // 16 first hex digits over 16000 sequential keys: each bucket near 1000.
  const auto t = KeyTemplate::compile("{hash:1}obj-{seq}");
  Rng rng(1);
  std::map<char, int> counts;
  KeyContext ctx;
  for (ctx.seq = 0; ctx.seq < 16000; ++ctx.seq) ++counts[t.expand(ctx, rng)[0]];
  ASSERT_EQ(counts.size(), 16u);
  for (const auto& [digit, n] : counts) {
    EXPECT_GT(n, 850) << digit;
    EXPECT_LT(n, 1150) << digit;
  }
}

TEST(KeyTemplate, SameSeedSameKeysDifferentWorkersDifferentKeys) {
  const auto t = KeyTemplate::compile("{rand:8}-{uuid}");
  KeyContext ctx;
  Rng a = Rng::for_worker(7, 0);
  Rng b = Rng::for_worker(7, 0);
  Rng c = Rng::for_worker(7, 1);
  Rng d = Rng::for_worker(8, 0);
  std::set<std::string> from_c, from_d;
  for (int i = 0; i < 100; ++i) {
    const std::string ka = t.expand(ctx, a);
    EXPECT_EQ(ka, t.expand(ctx, b));
    from_c.insert(t.expand(ctx, c));
    from_d.insert(t.expand(ctx, d));
    EXPECT_EQ(from_c.count(ka), 0u);
    EXPECT_EQ(from_d.count(ka), 0u);
  }
}

TEST(KeyTemplate, ReportsUsesAndMaxLength) {
  const auto t = KeyTemplate::compile("{phase}-{rand:5}-{iter}");
  EXPECT_TRUE(t.uses(KeyTemplate::Kind::kPhase));
  EXPECT_FALSE(t.uses(KeyTemplate::Kind::kLast));
  EXPECT_EQ(t.max_length(10, 0), 10u + 1 + 5 + 1 + 20);
}

TEST(KeyTemplate, RejectsMalformedTemplates) {
  EXPECT_THROW(KeyTemplate::compile("{nope}"), std::invalid_argument);
  EXPECT_THROW(KeyTemplate::compile("{rand:0}"), std::invalid_argument);
  EXPECT_THROW(KeyTemplate::compile("{rand:x}"), std::invalid_argument);
  EXPECT_THROW(KeyTemplate::compile("{iter:3}"), std::invalid_argument);
  EXPECT_THROW(KeyTemplate::compile("a}"), std::invalid_argument);
  EXPECT_THROW(KeyTemplate::compile("{hash:2}{hash:2}"), std::invalid_argument);
}

TEST(Units, SizesAreExact) {
  EXPECT_EQ(parse_size("29"), 29u);
  EXPECT_EQ(parse_size("29B"), 29u);
  EXPECT_EQ(parse_size("4KiB"), 4096u);
  EXPECT_EQ(parse_size("4KB"), 4000u);
  EXPECT_EQ(parse_size("6MiB"), 6u * 1024 * 1024);
  EXPECT_EQ(parse_size("1GB"), 1000000000u);
  EXPECT_EQ(parse_size("1 GiB"), 1u << 30);
  EXPECT_EQ(parse_size("1.5KiB"), 1536u);
  EXPECT_EQ(parse_size("5TiB"), 5ull << 40);
  EXPECT_THROW(parse_size("1.3B"), std::invalid_argument);
  EXPECT_THROW(parse_size("4kb"), std::invalid_argument);
  EXPECT_THROW(parse_size("-1"), std::invalid_argument);
  EXPECT_THROW(parse_size(""), std::invalid_argument);
}

TEST(Units, DurationsAndRates) {
  using namespace std::chrono_literals;
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("5m"), 5min);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_EQ(parse_duration("100us"), 100us);
  EXPECT_THROW(parse_duration("10"), std::invalid_argument);
  EXPECT_THROW(parse_duration("10sec"), std::invalid_argument);
  EXPECT_DOUBLE_EQ(parse_rate_per_second("500/s"), 500);
  EXPECT_DOUBLE_EQ(parse_rate_per_second("30000/m"), 500);
  EXPECT_DOUBLE_EQ(parse_rate_per_second("3600/h"), 1);
  EXPECT_THROW(parse_rate_per_second("500"), std::invalid_argument);
  EXPECT_EQ(format_size(6u << 20), "6 MiB");
  EXPECT_EQ(format_size(29), "29 B");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(120s), "2m");
}

struct Stats {
  double mean = 0;
  std::uint64_t min = UINT64_MAX;
  std::uint64_t max = 0;
};

Stats draw_many(const SizeSpec& spec, int n, std::uint64_t seed = 2024) {
  Rng rng(seed);
  Stats s;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const auto v = spec.draw(rng);
    sum += static_cast<double>(v);
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / n;
  return s;
}

TEST(SizeSpec, FixedAlwaysReturnsItsSize) {
  const auto s = draw_many(SizeSpec::fixed(29), 1000);
  EXPECT_EQ(s.min, 29u);
  EXPECT_EQ(s.max, 29u);
}

TEST(SizeSpec, UniformStaysInBoundsAndCentres) {
  const auto spec = SizeSpec::uniform(1000, 3000);
  const auto s = draw_many(spec, 200000);
  EXPECT_GE(s.min, 1000u);
  EXPECT_LE(s.max, 3000u);
  EXPECT_EQ(s.min, 1000u);  // both ends are reachable over this many draws
  EXPECT_EQ(s.max, 3000u);
  EXPECT_NEAR(s.mean, spec.mean(), 2000 * 0.01);
}

TEST(SizeSpec, LognormalHasItsMedianAndIsClampedAtMax) {
  const auto spec = SizeSpec::lognormal(4096, 1 << 20);
  Rng rng(5);
  std::vector<std::uint64_t> v;
  for (int i = 0; i < 100001; ++i) v.push_back(spec.draw(rng));
  std::nth_element(v.begin(), v.begin() + 50000, v.end());
  EXPECT_NEAR(static_cast<double>(v[50000]), 4096, 4096 * 0.03);
  EXPECT_LE(*std::max_element(v.begin(), v.end()), 1u << 20);
  const auto s = draw_many(spec, 200000);
  EXPECT_NEAR(s.mean, spec.mean(), spec.mean() * 0.03);
  // About 0.1% of draws reach max by construction.
  const auto at_max = std::count(v.begin(), v.end(), 1u << 20);
  EXPECT_GT(at_max, 30);
  EXPECT_LT(at_max, 300);
}

TEST(SizeSpec, ChoiceFollowsWeights) {
  const auto spec = SizeSpec::choice({{100, 3}, {200, 1}, {300, 0}});
  Rng rng(9);
  std::map<std::uint64_t, int> counts;
  for (int i = 0; i < 40000; ++i) ++counts[spec.draw(rng)];
  EXPECT_EQ(counts.count(300), 0u);
  EXPECT_NEAR(counts[100], 30000, 600);
  EXPECT_NEAR(counts[200], 10000, 600);
  EXPECT_DOUBLE_EQ(spec.mean(), 125);
  EXPECT_EQ(spec.min(), 100u);
  EXPECT_EQ(spec.max(), 200u);
}

TEST(SizeSpec, SameSeedSameSizes) {
  const auto spec = SizeSpec::lognormal(1000, 100000);
  Rng a(77), b(77), c(78);
  bool any_difference = false;
  for (int i = 0; i < 1000; ++i) {
    const auto x = spec.draw(a);
    EXPECT_EQ(x, spec.draw(b));
    any_difference = any_difference || x != spec.draw(c);
  }
  EXPECT_TRUE(any_difference);
}

TEST(Rng, BelowIsUniformEnough) {
  Rng rng(3);
  int counts[10] = {};
  for (int i = 0; i < 100000; ++i) ++counts[rng.below(10)];
  for (int n : counts) EXPECT_NEAR(n, 10000, 400);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace s3storm::scenario
