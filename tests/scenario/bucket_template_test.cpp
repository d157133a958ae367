// Bucket templates: what `load-{hash:N}` and `{phase}` expand to, which key picks which bucket,
// and what the loader refuses (with the position) or expands for setup.

#include "scenario/bucket_template.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario/loader.hpp"
#include "util/rng.hpp"

namespace s3storm::scenario {
namespace {

LoadOptions template_load_options() {
  LoadOptions o;
  o.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  o.default_seed = 1;
  return o;
}

std::vector<std::string> template_problems(const std::string& yaml) {
  try {
    load_scenario_text(yaml, "t.yaml", template_load_options());
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

TEST(BucketTemplate, HashSpreadsOverSixteenNamedByDigit) {
  const auto spread = compile_bucket_template("load-{hash:1}.x", "p");
  ASSERT_TRUE(spread.active());
  const auto names = spread.names();
  ASSERT_EQ(names.size(), 16u);
  EXPECT_EQ(names.front(), "load-0.x");
  EXPECT_EQ(names[10], "load-a.x");
  EXPECT_EQ(names.back(), "load-f.x");
  EXPECT_EQ(spread.text(), "load-{hash:1}.x");
  EXPECT_EQ(compile_bucket_template("b{hash:2}", "p").names().size(), 256u);
}

TEST(BucketTemplate, AKeyAlwaysGoesToTheBucketOfItsHashsFirstDigits) {
  const auto spread = compile_bucket_template("s-{hash:2}", "p");
  std::string bucket;
  for (const std::string key : {"a", "u/0", "u/1", "k-\xc3\xbc/x y"}) {
    spread.bucket_of(key, bucket);
    static constexpr char kDigits[] = "0123456789abcdef";
    const std::uint64_t h = text_hash(key);
    EXPECT_EQ(bucket, std::string("s-") + kDigits[h >> 60] + kDigits[(h >> 56) & 0xf]) << key;
    EXPECT_TRUE(spread.could_produce(bucket));
  }
  EXPECT_FALSE(spread.could_produce("s-0"));
  EXPECT_FALSE(spread.could_produce("s-0g"));
  EXPECT_FALSE(spread.could_produce("t-00"));
}

TEST(BucketTemplate, PhaseIsReplacedAndAloneIsOneBucket) {
  const auto spread = compile_bucket_template("run-{phase}", "storm");
  EXPECT_FALSE(spread.active());
  EXPECT_EQ(spread.names(), std::vector<std::string>{"run-storm"});
  EXPECT_THROW(compile_bucket_template("run-{phase}", ""), std::invalid_argument);
}

TEST(BucketTemplate, RefusesUnboundedTooManyAndInvalidNames) {
  for (const char* text :
       {"b-{uuid}", "b-{rand:1}", "b-{iter}", "b-{seq}", "b-{worker}", "b-{last}", "b-{hash:3}",
        "b-{hash:16}", "B-{hash:1}", "{hash:1}", "b-{hash:1}-", "b-{nope}", "b-{hash:1}{hash:1}"}) {
    EXPECT_THROW(compile_bucket_template(text, "p"), std::invalid_argument) << text;
  }
  // A phase name with capitals or '_' is fine for keys, not for buckets.
  EXPECT_THROW(compile_bucket_template("b-{phase}", "Storm_1"), std::invalid_argument);
}

TEST(BucketTemplateLoader, SetupCreatesAndConfiguresEveryBucket) {
  const auto s = load_scenario_text(
      "target: {endpoint: embedded, bucket: \"t-{hash:1}\"}\n"
      "setup:\n"
      "  buckets: [\"t-{hash:1}\", other]\n"
      "  notifications:\n"
      "    - {bucket: \"t-{hash:1}\", events: [\"s3:ObjectCreated:*\"], webhook: true}\n"
      "phases:\n"
      "  - name: p\n"
      "    iterations: 1\n"
      "    flow: [{put: {key: k, size: 1}}, {copy: {from: last, key: c}},\n"
      "           {get: {bucket: \"x-{phase}\", key: k}}]\n",
      "t.yaml", template_load_options());
  ASSERT_EQ(s.setup.buckets.size(), 17u);
  EXPECT_EQ(s.setup.buckets.front(), "t-0");
  EXPECT_EQ(s.setup.buckets.back(), "other");
  ASSERT_EQ(s.setup.notifications.size(), 16u);
  EXPECT_EQ(s.setup.notifications[15].bucket, "t-f");
  const auto& flow = s.phases[0].flow;
  EXPECT_TRUE(flow[0].bucket_spread.active());
  EXPECT_EQ(flow[0].bucket, "t-{hash:1}");
  EXPECT_TRUE(flow[1].from_bucket_spread.active());  // a copy's source defaults to its bucket
  EXPECT_FALSE(flow[2].bucket_spread.active());
  EXPECT_EQ(flow[2].bucket, "x-p");
}

TEST(BucketTemplateLoader, RefusesWithThePosition) {
  EXPECT_EQ(
      template_problems("setup: {buckets: [\"b-{uuid}\"]}\n"
                        "phases: [{name: p, iterations: 1, flow: [{put: {bucket: b-1, key: k, "
                        "size: 1}}]}]\n"),
      std::vector<std::string>{
          "t.yaml:1:19: bucket template 'b-{uuid}' may use only {hash:N} (the key's "
          "bucket) and {phase}: other variables would make a key's bucket unknown to a "
          "later read, or the buckets too many for setup to create"});
  EXPECT_EQ(template_problems("phases:\n"
                              "  - name: p\n"
                              "    bucket: \"b-{hash:3}\"\n"
                              "    iterations: 1\n"
                              "    flow: [{put: {key: k, size: 1}}]\n"),
            std::vector<std::string>{"t.yaml:3:13: bucket template 'b-{hash:3}' makes 16^3 "
                                     "buckets; at most 1000 ({hash:1}: 16, {hash:2}: 256)"});
  EXPECT_EQ(
      template_problems("setup: {buckets: [\"{phase}-b\"]}\n"
                        "phases: [{name: p, iterations: 1, flow: [{put: {bucket: b-1, key: k, "
                        "size: 1}}]}]\n"),
      std::vector<std::string>{
          "t.yaml:1:19: '{phase}' in a bucket needs a phase: use it in a phase's or a "
          "step's bucket, or target.bucket"});
  EXPECT_EQ(template_problems("target: {endpoint: embedded, bucket: \"l-{hash:1}\"}\n"
                              "phases: [{name: p, iterations: 1, flow: [{list: {prefix: a}}]}]\n"),
            std::vector<std::string>{
                "t.yaml:2:49: list step cannot spread over buckets ('l-{hash:1}'): it has no "
                "object key to choose one by; give it one bucket"});
}

}  // namespace
}  // namespace s3storm::scenario
