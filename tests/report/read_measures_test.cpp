// Time to first byte and latency by object-size class: recorded, merged, written in every view
// and read back.

#include <gtest/gtest.h>

#include "report/html_writer.hpp"
#include "report/json_reader.hpp"
#include "report/json_writer.hpp"
#include "report/run_report.hpp"
#include "report/text_report.hpp"
#include "stats/size_class.hpp"

namespace s3storm::report {
namespace {

using nlohmann::json;

stats::OpOutcome sized(std::uint64_t latency_us, std::uint64_t ttfb_us, std::uint64_t bytes) {
  stats::OpOutcome o;
  o.ok = true;
  o.http_status = 200;
  o.latency_us = latency_us;
  o.service_us = latency_us;
  o.has_ttfb = true;
  o.ttfb_us = ttfb_us;
  o.sized = true;
  o.object_bytes = bytes;
  o.bytes = bytes;
  return o;
}

RunReport report_with_reads() {
  RunReport r;
  r.scenario = "reads";
  stats::PhaseStats phase;
  phase.name = "p";
  phase.duration_s = 1;
  auto& get = phase.op(OpKind::kGet);
  for (int i = 0; i < 30; ++i) get.record(sized(1000 + i, 400 + i, 1024));
  for (int i = 0; i < 20; ++i) get.record(sized(9000 + i, 500 + i, 2 << 20));
  auto& head = phase.op(OpKind::kHead);
  stats::OpOutcome no_answer;  // a timeout: no first byte, no size
  no_answer.latency_us = 5000;
  head.record(no_answer);
  r.phases.push_back(std::move(phase));
  return r;
}

TEST(SizeClass, BoundsAreInclusive) {
  EXPECT_EQ(stats::size_class_of(0), 0);
  EXPECT_EQ(stats::size_class_of(4096), 0);
  EXPECT_EQ(stats::size_class_of(4097), 1);
  EXPECT_EQ(stats::size_class_of(1 << 20), 2);
  EXPECT_EQ(stats::size_class_of(16 << 20), 3);
  EXPECT_EQ(stats::size_class_of((16 << 20) + 1), 4);
  for (std::uint8_t c = 0; c < stats::kSizeClasses; ++c) {
    EXPECT_EQ(stats::parse_size_class(stats::kSizeClassNames[c]), c);
  }
}

TEST(ReadMeasures, JsonHasTtfbAndOnlyTheSizeClassesSeenAndReadsBack) {
  const RunReport r = report_with_reads();
  const std::string text = write_json(r);
  const json j = json::parse(text);
  const auto& get = j.at("phases").at(0).at("ops").at("get");
  for (const char* key : {"p50", "p90", "p99", "p999", "max", "mean"}) {
    EXPECT_TRUE(get.at("ttfb_ms").contains(key)) << key;
  }
  EXPECT_DOUBLE_EQ(get.at("ttfb_ms").at("max").get<double>(), 0.519);
  const auto& by_size = get.at("latency_by_size");
  ASSERT_EQ(by_size.size(), 2u);
  EXPECT_EQ(by_size.at("<=4KiB").at("count"), 30);
  EXPECT_EQ(by_size.at("<=16MiB").at("count"), 20);
  EXPECT_DOUBLE_EQ(by_size.at("<=16MiB").at("latency_ms").at("max").get<double>(), 9.019);
  const auto& head = j.at("phases").at(0).at("ops").at("head");
  EXPECT_FALSE(head.contains("ttfb_ms"));
  EXPECT_FALSE(head.contains("latency_by_size"));
  const RunReport read = parse_report(text, "mem.json");
  EXPECT_EQ(read, r);
  EXPECT_EQ(write_json(read), text);
}

TEST(ReadMeasures, ShardsMergeExactly) {
  RunReport a = report_with_reads();
  const RunReport b = report_with_reads();
  merge_report(a, b);
  const auto& get = a.phases[0].op(OpKind::kGet);
  EXPECT_EQ(get.ttfb.count(), 100u);
  EXPECT_EQ(get.latency_by_size.at(0).count(), 60u);
  EXPECT_EQ(get.latency_by_size.at(3).count(), 40u);
}

TEST(ReadMeasures, TextAndHtmlShowTtfbAndSizeClasses) {
  const RunReport r = report_with_reads();
  const std::string text = format_text_report(r);
  EXPECT_NE(text.find("  ttfb"), std::string::npos) << text;
  EXPECT_NE(text.find("<=4KiB"), std::string::npos) << text;
  EXPECT_NE(text.find("<=16MiB"), std::string::npos) << text;
  EXPECT_EQ(text.find("<=64KiB"), std::string::npos) << text;
  const std::string html = render_html(r);
  EXPECT_NE(html.find("get (time to first byte)"), std::string::npos);
  EXPECT_NE(html.find("get &lt;=16MiB"), std::string::npos);
}

}  // namespace
}  // namespace s3storm::report
