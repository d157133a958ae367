// A capacity search in the report: JSON keeps it whole, the text and HTML views show it, a
// threshold reads its answer, and merge refuses to add searches up.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "report/html_writer.hpp"
#include "report/json_reader.hpp"
#include "report/json_writer.hpp"
#include "report/search_html.hpp"
#include "report/text_report.hpp"
#include "report/thresholds.hpp"
#include "sample_report.hpp"
#include "scenario/threshold_parser.hpp"

namespace s3storm::report {
namespace {

stats::SearchOutcome sample_search(bool found) {
  stats::SearchOutcome s;
  s.from_per_s = 100;
  s.to_per_s = 1600;
  s.probe_s = 1;
  s.precision = 0.05;
  const auto probe = [](double rate, bool held, double errors) {
    stats::SearchProbe p;
    p.rate_per_s = rate;
    p.held = held;
    p.duration_s = 1;
    p.settle_s = 0.25;
    p.achieved_per_s = rate * 0.99;
    p.until.push_back({"errors.rate < 0.01", errors, errors < 0.01, "fraction"});
    p.until.push_back({"events.missing == 0", 0, true, ""});
    return p;
  };
  if (found) {
    s.probes = {probe(100, true, 0), probe(200, true, 0), probe(400, false, 0.2),
                probe(300, true, 0.002), probe(350, false, 0.05)};
    s.max_rate_per_s = 300;
  } else {
    s.probes = {probe(100, false, 0.5)};
  }
  return s;
}

RunReport with_search(bool found) {
  RunReport r = testing::sample_report();
  r.phases[1].search = sample_search(found);
  return r;
}

TEST(SearchReport, JsonKeepsTheSearchWhole) {
  for (const bool found : {true, false}) {
    const RunReport r = with_search(found);
    const auto j = to_json(r);
    const auto& search = j["phases"][1]["search"];
    EXPECT_EQ(search["probes"].size(), found ? 5u : 1u);
    EXPECT_EQ(search["max_rate_per_s"].is_null(), !found);
    EXPECT_EQ(search["probes"][0]["until"][0]["expr"], "errors.rate < 0.01");
    EXPECT_FALSE(j["phases"][0].contains("search"));
    EXPECT_EQ(parse_report(write_json(r), "r.json"), r);
  }
}

TEST(SearchReport, TextShowsTheAnswerAndAProbeTable) {
  const auto text = format_text_report(with_search(true));
  EXPECT_NE(text.find("capacity search from 100/s to 1600/s, probes of 1 s, precision 5%; highest "
                      "rate that held: 300.0/s"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    5    350.0/s    346.5/s    no"), std::string::npos) << text;
  EXPECT_NE(text.find("5%*"), std::string::npos) << text;
  const auto none = format_text_report(with_search(false));
  EXPECT_NE(none.find("highest rate that held: none (even 100/s failed)"), std::string::npos);
}

TEST(SearchReport, HtmlDrawsAchievedAgainstProbedRate) {
  const auto chart = html::search_chart(sample_search(true));
  ASSERT_EQ(chart.series.size(), 3u);  // offered, held, failed
  EXPECT_EQ(chart.series[1].name, "held");
  ASSERT_EQ(chart.series[1].points.size(), 3u);
  EXPECT_EQ(chart.series[1].points[2].x, 300);  // in rate order, not probe order
  EXPECT_EQ(chart.series[2].points.size(), 2u);
  const auto page = render_html(with_search(true));
  EXPECT_NE(page.find("<h3>Capacity search</h3>"), std::string::npos);
  EXPECT_NE(page.find("<table class=\"search\">"), std::string::npos);
}

TEST(SearchReport, AThresholdReadsTheAnswer) {
  const auto threshold =
      scenario::parse_threshold("phase.storm.search.max_rate_per_s >= 250/s", {"warmup", "storm"});
  EXPECT_FALSE(judged_live(threshold));
  auto results = evaluate_thresholds(with_search(true), {threshold});
  EXPECT_TRUE(results[0].pass);
  EXPECT_EQ(results[0].measured, 300);
  EXPECT_EQ(format_measured(results[0]), "300.0/s");
  results = evaluate_thresholds(with_search(false), {threshold});
  EXPECT_FALSE(results[0].pass);  // nothing held: 0
  EXPECT_THROW(scenario::parse_threshold("phase.storm.search.max_rate_per_s >= 250", {"storm"}),
               std::invalid_argument);
  EXPECT_THROW(scenario::parse_threshold("phase.other.search.max_rate_per_s >= 2/s", {"storm"}),
               std::invalid_argument);
}

TEST(SearchReport, MergeRefusesSearches) {
  RunReport into = with_search(true);
  try {
    merge_report(into, with_search(true));
    FAIL() << "merged";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "phase \"storm\" is a capacity search, which runs whole on one machine; searches "
                 "cannot be added up");
  }
}

}  // namespace
}  // namespace s3storm::report
