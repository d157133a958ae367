#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "report/json_reader.hpp"
#include "report/json_writer.hpp"
#include "report/run_report.hpp"
#include "report/text_report.hpp"
#include "sample_report.hpp"
#include "util/usage_error.hpp"

namespace s3storm::report {
namespace {

using nlohmann::json;
using testing::sample_report;

TEST(JsonReport, HasTheDocumentedShape) {
  const json j = json::parse(write_json(sample_report()));
  EXPECT_EQ(j.at("version"), 1);
  EXPECT_EQ(j.at("scenario"), "sample");
  EXPECT_EQ(j.at("started"), "2025-11-25T19:46:40.000Z");
  EXPECT_EQ(j.at("duration_s"), 20.5);
  ASSERT_EQ(j.at("phases").size(), 2u);
  const json& storm = j.at("phases").at(1);
  EXPECT_EQ(storm.at("name"), "storm");
  EXPECT_EQ(storm.at("dropped"), 7);
  const json& put = storm.at("ops").at("put");
  for (const char* key : {"count", "ok", "errors", "errors_by_code", "errors_by_status", "retries",
                          "bytes", "ops_per_s", "mb_per_s", "latency_ms", "service_ms", "histogram",
                          "service_histogram", "per_second"}) {
    EXPECT_TRUE(put.contains(key)) << key;
  }
  for (const char* key : {"p50", "p90", "p99", "p999", "max"}) {
    EXPECT_TRUE(put.at("latency_ms").at(key).is_number()) << key;
  }
  EXPECT_EQ(put.at("ok").get<int>() + put.at("errors").get<int>(), put.at("count").get<int>());
  EXPECT_TRUE(put.at("errors_by_code").contains("SlowDown"));
  EXPECT_TRUE(put.at("errors_by_status").contains("503"));
  EXPECT_DOUBLE_EQ(put.at("ops_per_s").get<double>(),
                   std::round(put.at("count").get<double>() / 15.25 * 1000) / 1000);
  EXPECT_EQ(put.at("histogram").at("unit"), "us");
  EXPECT_EQ(put.at("per_second").at("start"), 1'764'100'005);
  EXPECT_EQ(put.at("per_second").at("count").size(), 10u);
  EXPECT_FALSE(storm.at("ops").contains("get"));  // never run, so not listed

  EXPECT_EQ(j.at("totals").at("dropped"), 7);
  EXPECT_EQ(
      j.at("totals").at("ops").at("put").at("count").get<int>(),
      j.at("phases").at(0).at("ops").at("put").at("count").get<int>() + put.at("count").get<int>());

  const json& events = j.at("events");
  EXPECT_EQ(events.at("source"), "webhook");
  const json& created = events.at("by_type").at("ObjectCreated:Put");
  for (const char* key : {"expected", "delivered", "missing", "duplicate", "unexpected"}) {
    EXPECT_TRUE(created.at(key).is_number_unsigned()) << key;
  }
  EXPECT_EQ(created.at("expected"), 500);
  EXPECT_EQ(created.at("missing"), 10);
  for (const char* key : {"p50", "p90", "p99", "max"}) {
    EXPECT_TRUE(created.at("delivery_ms").at(key).is_number()) << key;
  }
  EXPECT_EQ(events.at("missing_keys").size(), 10u);
  EXPECT_EQ(events.at("unexpected_keys").size(), 4u);
  EXPECT_EQ(events.at("test_events"), 1);
  EXPECT_EQ(events.at("receiver_rejects").at("400"), 2);
  EXPECT_EQ(j.at("thresholds").at(1).at("pass"), false);
}

TEST(JsonReport, WriteReadWriteGivesTheSameBytesAndModel) {
  const auto original = sample_report();
  const std::string first = write_json(original);
  const RunReport read = parse_report(first, "mem.json");
  EXPECT_EQ(read, original);
  EXPECT_EQ(write_json(read), first);
}

TEST(JsonReport, EmptyReportRoundTrips) {
  RunReport empty;
  empty.scenario = "nothing";
  const auto text = write_json(empty);
  EXPECT_EQ(parse_report(text, "e.json"), empty);
}

// A small report pinned byte for byte: a change to the format must be deliberate (regenerate the
// file with S3STORM_UPDATE_GOLDEN=1, review the diff, and bump kReportVersion if old reports
// no longer read).
// Reports from before per-second percentiles: the same seconds, without their latency buckets.
stats::TimeSeries without_latency_buckets(const stats::TimeSeries& series) {
  stats::TimeSeries out;
  for (std::size_t i = 0; i < series.seconds().size(); ++i) {
    auto second = series.seconds()[i];
    second.latency = {};
    out.add(series.start() + static_cast<std::int64_t>(i), second);
  }
  out.add_out_of_range(series.out_of_range());
  return out;
}

RunReport golden_model() {
  RunReport r;
  r.scenario = "golden";
  r.scenario_path = "golden.yaml";
  r.started = Timestamp{std::chrono::milliseconds{1'700'000'000'250}};
  r.duration_s = 2;
  stats::PhaseStats phase;
  phase.name = "walkthrough";
  phase.started_epoch_s = 1'700'000'000.25;
  phase.duration_s = 2;
  stats::OpOutcome ok{.latency_us = 1500,
                      .service_us = 1500,
                      .bytes = 29,
                      .retries = 0,
                      .http_status = 200,
                      .ok = true,
                      .error_code = {},
                      .epoch_second = 1'700'000'000};
  phase.op(OpKind::kPut).record(ok);
  ok.latency_us = ok.service_us = 2'500'000;
  ok.epoch_second += 1;
  phase.op(OpKind::kPut).record(ok);
  stats::OpOutcome bad{.latency_us = 800,
                       .service_us = 700,
                       .bytes = 0,
                       .retries = 3,
                       .http_status = 404,
                       .ok = false,
                       .error_code = "NoSuchKey",
                       .epoch_second = 1'700'000'001};
  phase.op(OpKind::kDelete).record(bad);
  r.phases.push_back(phase);
  r.events.source = "webhook";
  r.events.by_type["ObjectCreated:Put"].expected = 2;
  r.events.by_type["ObjectCreated:Put"].delivered = 2;
  r.events.by_type["ObjectCreated:Put"].delivery.record(12'000);
  r.events.by_type["ObjectCreated:Put"].delivery.record(30'000);
  r.events.expected_per_second.add_counts(1'700'000'000, 1, 0);
  r.events.expected_per_second.add_counts(1'700'000'001, 1, 0);
  r.events.delivered_per_second.record(1'700'000'000, true, 0, 12'000);
  r.events.delivered_per_second.record(1'700'000'003, true, 0, 30'000);
  r.events.by_type["ObjectCreated:Put"].delivery_from_send.record(14'000);
  r.events.by_type["ObjectCreated:Put"].delivery_from_send.record(31'000);
  r.events.by_type["ObjectCreated:Put"].mismatched = 1;
  r.events.by_type["ObjectCreated:Put"].mismatch_by_field["size"] = 1;
  r.events.note_mismatched_key("b/k (ObjectCreated:Put: size 3, expected 29)");
  r.events.by_type["ObjectCreated:Put"].delivered_for_failed = 1;
  r.events.note_delivered_for_failed_key("b/timed-out (ObjectCreated:Put)");
  r.thresholds.push_back({"put.p99 < 3s", 2.5, true, "s"});

  return r;
}

TEST(JsonReport, MatchesTheGoldenFile) {
  const RunReport r = golden_model();
  const std::string path = std::string(S3STORM_TEST_DATA_DIR) + "/golden_report.json";
  if (std::getenv("S3STORM_UPDATE_GOLDEN") != nullptr) write_json_file(r, path);
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing tests/report/data/golden_report.json";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(write_json(r), golden.str());
  EXPECT_EQ(parse_report(golden.str(), "golden_report.json"), r);
}

// A report written before the early count, the content check and the latency from send existed
// has none of their fields: it still reads, as none.
TEST(JsonReport, ReportsWithoutTheEarlyCountStillRead) {
  const std::string path = std::string(S3STORM_TEST_DATA_DIR) + "/golden_report_before_early.json";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream old;
  old << in.rdbuf();
  ASSERT_EQ(old.str().find("\"early\""), std::string::npos);
  const RunReport read = parse_report(old.str(), "golden_report_before_early.json");
  RunReport expected = golden_model();
  auto& put = expected.events.by_type.at("ObjectCreated:Put");
  put.mismatched = 0;
  put.mismatch_by_field.clear();
  put.delivered_for_failed = 0;
  put.delivery_from_send = stats::Histogram();
  expected.events.mismatched_keys.clear();
  expected.events.delivered_for_failed_keys.clear();
  expected.thresholds = {{"put.p99 < 3s", 2500, true, ""}};  // no unit then, and ms
  // Nor a phase's start, per-second percentiles or events over time.
  for (auto& phase : expected.phases) {
    phase.started_epoch_s = 0;
    for (auto& op : phase.ops) op.per_second = without_latency_buckets(op.per_second);
  }
  expected.events.expected_per_second = {};
  expected.events.delivered_per_second = {};
  EXPECT_EQ(read, expected);
  EXPECT_EQ(read.events.by_type.at("ObjectCreated:Put").early, 0u);
}

TEST(JsonReport, EarlyCountIsWrittenPerTypeAndInTotalsAndReadBack) {
  const auto original = sample_report();
  const json j = json::parse(write_json(original));
  EXPECT_EQ(j.at("events").at("by_type").at("ObjectCreated:Put").at("early"), 13);
  EXPECT_EQ(j.at("events").at("by_type").at("ObjectRemoved:Delete").at("early"), 0);
  EXPECT_EQ(j.at("events").at("totals").at("early"), 13);
  EXPECT_EQ(parse_report(j.dump(), "early.json").events.by_type.at("ObjectCreated:Put").early, 13u);
}

TEST(JsonReport, UploadsLeftOpenAppearOnlyWhenSomeAreAndReadBackAndMerge) {
  auto original = sample_report();
  EXPECT_FALSE(json::parse(write_json(original)).at("phases").at(0).contains("uploads_left_open"));
  original.phases[1].note_open_upload("b/m/0-1 (0123456789abcdef0123456789abcdef)");
  original.phases[1].note_open_upload("b/m/1-1 (fedcba9876543210fedcba9876543210)");
  const json j = json::parse(write_json(original));
  EXPECT_EQ(j.at("phases").at(1).at("uploads_left_open"), 2);
  EXPECT_EQ(j.at("phases").at(1).at("open_uploads").size(), 2u);
  EXPECT_EQ(j.at("totals").at("uploads_left_open"), 2);
  const auto read = parse_report(j.dump(), "open.json");
  EXPECT_EQ(read, original);
  auto merged = read.phases[1];
  merged.merge(read.phases[1]);
  EXPECT_EQ(merged.uploads_left_open, 4u);
  EXPECT_EQ(merged.open_uploads.size(), 4u);
  EXPECT_THAT(
      format_text_report(read),
      ::testing::HasSubstr("multipart uploads possibly left open (abort failed): 2: b/m/0-1 "));
}

TEST(JsonReport, EndpointsAppearOnlyWithSeveralAndReadBackAndMerge) {
  auto original = sample_report();
  EXPECT_FALSE(json::parse(write_json(original)).at("phases").at(0).contains("endpoints"));
  std::mt19937_64 rng(7);
  auto& phase = original.phases[0];
  phase.endpoints.resize(2);
  phase.endpoints[0].url = "http://127.0.0.1:9000";
  phase.endpoints[1].url = "https://127.0.0.2:9443";
  for (int i = 0; i < 30; ++i) {
    auto outcome = testing::sample_outcome(rng, 1700000000);
    phase.endpoints[i % 3 == 0 ? 1 : 0].all.record(outcome);
  }
  const json j = json::parse(write_json(original));
  const auto& endpoints = j.at("phases").at(0).at("endpoints");
  ASSERT_EQ(endpoints.size(), 2u);
  EXPECT_EQ(endpoints.at(1).at("url"), "https://127.0.0.2:9443");
  EXPECT_EQ(endpoints.at(0).at("count"), 20);
  EXPECT_EQ(endpoints.at(1).at("count"), 10);
  EXPECT_TRUE(endpoints.at(0).at("latency_ms").contains("p99"));
  EXPECT_EQ(j.at("totals").at("endpoints").at(1).at("count"), 10);
  const auto read = parse_report(j.dump(), "endpoints.json");
  EXPECT_EQ(read, original);
  auto merged = read.phases[0];
  merged.merge(read.phases[0]);
  EXPECT_EQ(merged.endpoints[1].all.count, 20u);
  EXPECT_EQ(merged.endpoints[1].url, "https://127.0.0.2:9443");
  EXPECT_THAT(format_text_report(read), ::testing::HasSubstr("https://127.0.0.2:9443"));
}

TEST(JsonReport, StoppedByAndForeignEventsAppearOnlyWhenTheyHappenAndReadBack) {
  auto original = sample_report();
  const json plain = json::parse(write_json(original));
  EXPECT_FALSE(plain.contains("stopped_by"));
  EXPECT_FALSE(plain.at("events").contains("foreign"));

  original.stopped_by = "abort_on_fail threshold 'put.p99 < 5ms' failed at 3.0 s (measured 0.02)";
  original.events.foreign = 41;
  const json j = json::parse(write_json(original));
  EXPECT_EQ(j.at("stopped_by"), original.stopped_by);
  EXPECT_EQ(j.at("events").at("foreign"), 41);
  const RunReport read = parse_report(j.dump(), "stopped.json");
  EXPECT_EQ(read, original);
  EXPECT_NE(format_text_report(read).find("Stopped early: abort_on_fail threshold 'put.p99 < 5ms'"),
            std::string::npos);

  // Merged shards: foreign events add up; the first shard that stopped early says why.
  RunReport merged = sample_report();
  merged.events.foreign = 1;
  merge_report(merged, read);
  EXPECT_EQ(merged.events.foreign, 42u);
  EXPECT_EQ(merged.stopped_by, original.stopped_by);
}

std::string error_of(const std::string& text) {
  try {
    parse_report(text, "bad.json");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(JsonReader, NamesTheFileAndThePlaceOfEachProblem) {
  using ::testing::HasSubstr;
  using ::testing::StartsWith;
  EXPECT_THAT(error_of("{not json"), StartsWith("bad.json: not valid JSON"));
  EXPECT_THAT(error_of("[]"), HasSubstr("not an s3storm report"));

  json j = json::parse(write_json(sample_report()));
  auto with = [&](auto change) {
    json copy = j;
    change(copy);
    return error_of(copy.dump());
  };
  EXPECT_THAT(with([](json& c) { c["version"] = 2; }),
              StartsWith("bad.json: version: unsupported report version 2"));
  EXPECT_THAT(with([](json& c) { c.erase("scenario"); }), HasSubstr("missing \"scenario\""));
  EXPECT_THAT(with([](json& c) { c["started"] = "yesterday"; }), StartsWith("bad.json: started:"));
  EXPECT_THAT(with([](json& c) { c["phases"][1]["ops"]["put"]["count"] = -1; }),
              StartsWith("bad.json: phases[1].ops.put.count: expected an unsigned integer"));
  EXPECT_THAT(with([](json& c) { c["phases"][0]["ops"]["putt"] = c["phases"][0]["ops"]["put"]; }),
              StartsWith("bad.json: phases[0].ops.putt: unknown operation"));
  EXPECT_THAT(
      with([](json& c) { c["phases"][0]["ops"]["put"]["histogram"]["counts"][0][0] = 99999; }),
      StartsWith("bad.json: phases[0].ops.put.histogram.counts[0]: bucket index 99999"));
  EXPECT_THAT(with([](json& c) { c["phases"][0]["ops"]["put"]["histogram"]["count"] = 1; }),
              HasSubstr("\"count\" is not the sum of the buckets"));
  EXPECT_THAT(
      with([](json& c) { c["phases"][0]["ops"]["put"]["histogram"]["sub_bucket_bits"] = 7; }),
      HasSubstr("histogram geometry differs"));
  EXPECT_THAT(with([](json& c) { c["phases"][0]["ops"]["put"]["ok"] = 0; }),
              HasSubstr("\"ok\" + \"errors\" is not \"count\""));
  EXPECT_THAT(
      with([](json& c) { c["phases"][0]["ops"]["put"]["per_second"]["bytes"] = json::array(); }),
      HasSubstr("per_second.bytes: length differs"));
  EXPECT_THAT(with([](json& c) { c["events"]["receiver_rejects"]["abc"] = 1; }),
              HasSubstr("events.receiver_rejects.abc: \"abc\" is not an HTTP status"));
  EXPECT_THAT(with([](json& c) { c["events"]["by_type"]["ObjectCreated:Put"]["early"] = 491; }),
              HasSubstr("events.by_type.ObjectCreated:Put.early: more than \"delivered\""));
  EXPECT_THAT(with([](json& c) { c["events"]["by_type"]["ObjectCreated:Put"]["early"] = "x"; }),
              HasSubstr("ObjectCreated:Put.early: expected an unsigned integer"));
}

TEST(JsonReader, MissingFileIsAUsageErrorNamingIt) {
  EXPECT_THROW(
      {
        try {
          read_report_file("/nonexistent/dir/r.json");
        } catch (const UsageError& e) {
          EXPECT_THAT(e.what(), ::testing::StartsWith("/nonexistent/dir/r.json: cannot read"));
          throw;
        }
      },
      UsageError);
}

}  // namespace
}  // namespace s3storm::report
