// The scenario's `content` (a step's and the default), and get's `verify` and `range`.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario/loader.hpp"
#include "scenario/plan.hpp"

namespace s3storm::scenario {
namespace {

LoadOptions options() {
  LoadOptions o;
  o.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  o.default_seed = 1;
  return o;
}

Scenario load_flow(const std::string& flow, const std::string& top = "") {
  return load_scenario_text("target: {endpoint: embedded, bucket: b-1}\n" + top +
                                "phases:\n  - name: p\n    iterations: 1\n    flow:\n" + flow,
                            "t.yaml", options());
}

std::vector<std::string> problems(const std::string& flow, const std::string& top = "") {
  try {
    load_flow(flow, top);
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

TEST(ReadSteps, ContentDefaultsToRepeatAndTheScenarioDefaultAppliesWhereNoStepSaysOtherwise) {
  auto s = load_flow("      - put: {key: k, size: 1}\n");
  EXPECT_EQ(s.phases[0].flow[0].content, Content::kRepeat);
  s = load_flow(
      "      - put: {key: k, size: 1}\n      - post: {key: p, size: 1, content: repeat}\n"
      "      - get: {key: last}\n",
      "content: random\n");
  EXPECT_EQ(s.content, Content::kRandom);
  const auto& flow = s.phases[0].flow;
  EXPECT_EQ(flow[0].content, Content::kRandom);
  EXPECT_FALSE(flow[0].content_given);
  EXPECT_EQ(flow[1].content, Content::kRepeat);
  EXPECT_TRUE(flow[1].content_given);
  EXPECT_FALSE(flow[2].content_given);  // a get of `last` expects what the write sent
}

TEST(ReadSteps, GetVerifyAndRanges) {
  auto s = load_flow(
      "      - put: {key: k, size: 1}\n"
      "      - get: {key: last, verify: true}\n"
      "      - get: {key: last, range: \"0-1023\"}\n"
      "      - get: {key: last, range: \"4096-\"}\n"
      "      - get: {key: last, range: \"random:4KiB\", verify: true, content: random}\n");
  const auto& flow = s.phases[0].flow;
  EXPECT_TRUE(flow[1].verify);
  EXPECT_EQ(flow[1].range.kind, ReadRange::Kind::kWhole);
  EXPECT_EQ(flow[2].range.kind, ReadRange::Kind::kFixed);
  EXPECT_EQ(flow[2].range.first, 0u);
  EXPECT_EQ(flow[2].range.last, 1023u);
  EXPECT_EQ(flow[3].range.first, 4096u);
  EXPECT_FALSE(flow[3].range.last);
  EXPECT_EQ(flow[4].range.kind, ReadRange::Kind::kRandom);
  EXPECT_EQ(flow[4].range.window, 4096u);
  EXPECT_EQ(flow[4].content, Content::kRandom);
  EXPECT_TRUE(flow[4].content_given);
}

TEST(ReadSteps, ThePlanSaysWhatIsRandomVerifiedAndRanged) {
  const auto s = load_flow(
      "      - put: {key: k, size: 1KiB}\n"
      "      - put: {key: r, size: 1KiB, content: random}\n"
      "      - get: {key: last, range: \"random:4KiB\", verify: true}\n"
      "      - get: {key: last, range: \"7-\"}\n"
      "      - get: {key: last}\n");
  const std::string plan = format_plan(s);
  EXPECT_NE(plan.find("put b-1/k, 1 KiB "), std::string::npos) << plan;
  EXPECT_NE(plan.find("put b-1/r, 1 KiB, random content"), std::string::npos) << plan;
  EXPECT_NE(plan.find("get b-1/last, a random 4 KiB window, verified"), std::string::npos) << plan;
  EXPECT_NE(plan.find("get b-1/last, bytes 7- "), std::string::npos) << plan;
}

TEST(ReadSteps, BadValuesNameTheirPlace) {
  EXPECT_EQ(problems("      - put: {key: k, size: 1, content: zeros}\n"),
            std::vector<std::string>{
                "t.yaml:6:41: 'content' must be 'repeat' (every body a prefix of one shared "
                "buffer) or 'random' (each object its own bytes), got 'zeros'"});
  EXPECT_EQ(problems("      - get: {key: k, range: \"10-5\"}\n"),
            std::vector<std::string>{"t.yaml:6:30: 'range' 10-5 ends before it starts"});
  EXPECT_EQ(problems("      - get: {key: k, range: \"bytes=0-1\"}\n"),
            std::vector<std::string>{
                "t.yaml:6:30: 'range' must be FIRST-LAST or FIRST- (bytes, inclusive: "
                "\"0-1023\") or random:SIZE (\"random:4KiB\"), got 'bytes=0-1'"});
  // Any key: the size of one the flow did not write comes from a HEAD at run time.
  EXPECT_TRUE(problems("      - get: {key: k, range: \"random:4KiB\"}\n").empty());
  EXPECT_EQ(problems("      - get: {key: k, verify: yes please}\n"),
            std::vector<std::string>{
                "t.yaml:6:31: 'verify' must be one of 'true', 'false', got 'yes please'"});
  EXPECT_EQ(problems("      - head: {key: k, verify: true}\n").size(), 1u);
  EXPECT_EQ(problems("      - put: {key: k, size: 1}\n", "content: zeros\n").size(), 1u);
}

}  // namespace
}  // namespace s3storm::scenario
