#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "report/json_reader.hpp"
#include "report/json_writer.hpp"
#include "sample_report.hpp"

namespace s3storm::report {
namespace {

using testing::sample_report;

// The point of the lossless format: shards merged after a JSON round trip give exactly the report
// of all their operations together, p99 included.
TEST(MergeReport, ShardsAddUpToTheWholeRun) {
  RunReport whole = sample_report(0, 1);
  RunReport merged = parse_report(write_json(sample_report(0, 3)), "a.json");
  merge_report(merged, parse_report(write_json(sample_report(1, 3)), "b.json"));
  merge_report(merged, parse_report(write_json(sample_report(2, 3)), "c.json"));

  EXPECT_EQ(merged.shards, 3u);
  EXPECT_TRUE(merged.thresholds.empty());
  whole.shards = 3;
  whole.thresholds.clear();
  // Listed keys are the first 20 per shard order, not per global order: compare them as sets.
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(merged.events.missing_keys), sorted(whole.events.missing_keys));
  EXPECT_EQ(sorted(merged.events.unexpected_keys), sorted(whole.events.unexpected_keys));
  merged.events.missing_keys = whole.events.missing_keys;
  merged.events.unexpected_keys = whole.events.unexpected_keys;
  EXPECT_EQ(merged, whole);
  EXPECT_EQ(write_json(merged), write_json(whole));
  const auto& put = merged.phases[1].op(OpKind::kPut);
  EXPECT_EQ(put.latency.value_at_percentile(99),
            whole.phases[1].op(OpKind::kPut).latency.value_at_percentile(99));
}

TEST(MergeReport, SpansFromTheEarliestStartToTheLatestEnd) {
  RunReport a = sample_report(), b = sample_report();
  a.duration_s = 10;
  b.started = a.started + std::chrono::milliseconds{2500};
  b.duration_s = 10;
  merge_report(a, b);
  EXPECT_EQ(a.started, sample_report().started);
  EXPECT_DOUBLE_EQ(a.duration_s, 12.5);
}

// Each phase's started_s counts from the earliest shard's start; shards told one --start-at keep
// it.
TEST(MergeReport, PhaseStartsCountFromTheEarliestShardAndKeepACommonStartAt) {
  RunReport a = sample_report(), b = sample_report();
  a.meta.tool_version = b.meta.tool_version = "test";
  a.meta.start_at = b.meta.start_at = "2025-11-25T19:46:45.000Z";
  b.started = a.started - std::chrono::milliseconds{1500};            // b's setup began earlier
  b.phases[0].started_epoch_s = a.phases[0].started_epoch_s + 0.004;  // and its phase a bit later
  const double a_offset = *started_s(a, a.phases[0]);
  merge_report(a, b);
  EXPECT_DOUBLE_EQ(*started_s(a, a.phases[0]), a_offset + 1.5);
  EXPECT_EQ(a.meta.start_at, "2025-11-25T19:46:45.000Z");
  const auto written = write_json(a);
  EXPECT_NE(written.find("\"start_at\": \"2025-11-25T19:46:45.000Z\""), std::string::npos);
  EXPECT_EQ(parse_report(written, "m.json"), a);

  RunReport c = sample_report();
  c.meta.start_at = "2025-11-25T19:47:00.000Z";
  merge_report(a, c);
  EXPECT_EQ(a.meta.start_at, "");  // told different times: no one start
  RunReport old = sample_report();
  old.phases[0].started_epoch_s = 0;
  EXPECT_FALSE(started_s(old, old.phases[0]));
}

TEST(MergeReport, RefusesReportsThatDoNotFit) {
  const RunReport base = sample_report();
  auto error_of = [&](auto change) {
    RunReport into = base, from = base;
    change(from);
    try {
      merge_report(into, from);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(merged)");
  };
  using ::testing::HasSubstr;
  EXPECT_THAT(error_of([](RunReport& r) { r.scenario = "other"; }),
              HasSubstr("scenario \"other\" differs from \"sample\""));
  EXPECT_THAT(error_of([](RunReport& r) { r.phases.pop_back(); }), HasSubstr("has 1 phases"));
  EXPECT_THAT(error_of([](RunReport& r) { r.phases[1].name = "calm"; }),
              HasSubstr("phase 2 is \"calm\", expected \"storm\""));
  EXPECT_THAT(error_of([](RunReport& r) { r.events.source = "sqs"; }),
              HasSubstr("event source \"sqs\""));
  EXPECT_EQ(error_of([](RunReport&) {}), "(merged)");
}

// The merge script test (test_merge_cli.py) reads two shards and the whole run from files; they
// must be what this build writes. Regenerate with S3STORM_UPDATE_GOLDEN=1.
TEST(MergeReport, ScriptTestFixturesAreCurrent) {
  const std::string dir = S3STORM_TEST_DATA_DIR;
  const std::pair<std::string, RunReport> fixtures[] = {
      {"shard_0of2.json", sample_report(0, 2, 300)},
      {"shard_1of2.json", sample_report(1, 2, 300)},
      {"whole.json", sample_report(0, 1, 300)}};
  for (const auto& [name, report] : fixtures) {
    if (std::getenv("S3STORM_UPDATE_GOLDEN") != nullptr) write_json_file(report, dir + "/" + name);
    EXPECT_EQ(read_report_file(dir + "/" + name), report) << name;
  }
}

}  // namespace
}  // namespace s3storm::report
