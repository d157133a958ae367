#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "report/html_charts.hpp"
#include "report/html_escape.hpp"
#include "report/html_svg_chart.hpp"
#include "report/html_writer.hpp"
#include "sample_report.hpp"
#include "util/usage_error.hpp"

namespace s3storm::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The page is meant to be well-formed XML as well as HTML; parsing it that way is the strictest
// check of balanced elements and escaping that needs no browser.
pugi::xml_document parse_page_as_xml(const std::string& text) {
  pugi::xml_document doc;
  const auto result = doc.load_string(text.c_str(), pugi::parse_default | pugi::parse_doctype);
  EXPECT_TRUE(result) << result.description() << " at byte " << result.offset << ": "
                      << text.substr(static_cast<std::size_t>(
                                         std::max<std::ptrdiff_t>(0, result.offset - 60)),
                                     120);
  return doc;
}

std::vector<pugi::xml_node> all(const pugi::xml_node& root, const char* name) {
  std::vector<pugi::xml_node> out;
  for (const auto& x : root.select_nodes((std::string("//") + name).c_str())) {
    out.push_back(x.node());
  }
  return out;
}

TEST(HtmlEscape, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(html::escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(html::escape("plain key/with spaces é"), "plain key/with spaces é");
  EXPECT_EQ(html::escape(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
  EXPECT_EQ(html::escape("tab\tnewline\n"), "tab\tnewline\n");
}

RunReport hostile_report() {
  auto r = testing::sample_report(0, 1, 300);
  r.scenario = "<script>alert(\"x\")</script>";
  r.scenario_path = "a&b/'quoted'.yaml";
  r.phases[0].name = "warm<up>&";
  stats::OpOutcome o;
  o.ok = false;
  o.http_status = 500;
  o.error_code = "<Code>&amp;";
  o.latency_us = o.service_us = 100;
  o.epoch_second = 1'764'100'001;
  r.phases[0].op(OpKind::kPut).record(o);
  r.events.note_missing_key("bucket/</li><script>x</script>");
  r.events.by_type["Evil<Type>"].unexpected = 1;
  r.thresholds.push_back({"put.p99 < 5ms && \"x\"", 0.007, false, "s"});
  return r;
}

TEST(HtmlReport, HostileNamesAreEscapedEverywhere) {
  const std::string html = render_html(hostile_report());
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<Code>")));
  EXPECT_THAT(html, Not(HasSubstr("Evil<Type>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("a&amp;b/&#39;quoted&#39;.yaml"));
  EXPECT_THAT(html, HasSubstr("&lt;Code&gt;&amp;amp;"));
  EXPECT_THAT(html, HasSubstr("put.p99 &lt; 5ms &amp;&amp; &quot;x&quot;"));
  const auto doc = parse_page_as_xml(html);
  // Parsed back, the text is exactly what went in.
  EXPECT_EQ(std::string(doc.select_node("//title").node().text().get()),
            "s3storm: <script>alert(\"x\")</script>");
  bool found = false;
  for (const auto& li : all(doc, "li")) {
    found |= std::string(li.child("code").text().get()) == "bucket/</li><script>x</script>";
  }
  EXPECT_TRUE(found);
}

TEST(HtmlReport, EverySectionIsPresentForASampleReport) {
  const std::string html = render_html(testing::sample_report());
  const auto doc = parse_page_as_xml(html);
  for (const char* id : {"thresholds", "phase-1", "phase-2", "all-phases", "events"}) {
    EXPECT_TRUE(doc.select_node((std::string("//section[@id='") + id + "']").c_str())) << id;
  }
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("Content-Security-Policy"));
  EXPECT_THAT(html, HasSubstr("prefers-color-scheme: dark"));
  // Header: scenario, file, start, duration, shards, verdict.
  EXPECT_THAT(html, HasSubstr("s3storm report: sample"));
  EXPECT_THAT(html, HasSubstr("<h2>Phases over time</h2>"));
  EXPECT_THAT(html, HasSubstr("examples/sample.yaml"));
  EXPECT_THAT(html, HasSubstr("2025-11-25T19:46:40.000Z"));
  EXPECT_THAT(html, HasSubstr("<dd>20.50 s</dd>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"fail\">FAIL</span> (1 of 2 thresholds)"));
  for (const char* heading :
       {"Throughput over time", "Errors over time", "Latency over time", "Latency distribution",
        "Errors by code and status", "Delivery latency distribution", "Missing (first 20)",
        "Unexpected (first 20)"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<h3>") + heading)) << heading;
  }
  // Four charts for each of the two phases and their totals, four for the events, and the
  // phases' timeline.
  for (const char* heading :
       {"Events over time", "Delivery backlog over time", "Delivery latency over time"}) {
    EXPECT_TRUE(
        doc.select_node((std::string("//section[@id='events']/h3[.='") + heading + "']").c_str()))
        << heading;
  }
  const auto svgs = all(doc, "svg");
  EXPECT_EQ(svgs.size(), 17u);
  EXPECT_TRUE(doc.select_node("//section[@id='timeline']/figure"));
  for (const auto& svg : svgs) {
    EXPECT_STREQ(svg.attribute("class").value(), "chart") << "no chart should be empty here";
    EXPECT_FALSE(svg.select_nodes(".//*[@class='data']").empty());
  }
  // The events table has the mismatched, out-of-order and early columns: the sample's 9
  // mismatched, no out-of-order and 13 early PUT events.
  const auto put_row =
      doc.select_node("//table[@class='events']//tr[td[1]='ObjectCreated:Put']").node();
  ASSERT_TRUE(put_row);
  std::vector<std::string> cells;
  for (const auto& td : put_row.children("td")) cells.emplace_back(td.text().get());
  ASSERT_GE(cells.size(), 14u);
  EXPECT_EQ(cells[1], "500");  // expected
  EXPECT_EQ(cells[2], "490");  // delivered
  EXPECT_EQ(cells[3], "10");   // missing
  EXPECT_EQ(cells[6], "9");    // mismatched
  EXPECT_EQ(cells[7], "0");    // out of order
  EXPECT_EQ(cells[8], "13");   // early
  EXPECT_NE(cells[13], "-");   // p99 from send
  EXPECT_TRUE(doc.select_node("//table[@class='events']//th[.='early']"));
  EXPECT_TRUE(doc.select_node("//table[@class='events']//th[.='out of order']"));
  EXPECT_TRUE(doc.select_node("//table[@class='thresholds']//td[@class='fail']"));
  EXPECT_TRUE(doc.select_node("//table[@class='errors']//td[.='SlowDown']"));
}

TEST(HtmlReport, EmptyReportAndPhaseWithoutOperationsRender) {
  RunReport r;
  r.scenario = "nothing";
  stats::PhaseStats idle;
  idle.name = "idle";
  r.phases.push_back(idle);
  const std::string html = render_html(r);
  const auto doc = parse_page_as_xml(html);
  EXPECT_THAT(html, HasSubstr("No operations."));
  EXPECT_THAT(html, HasSubstr("No events expected or received."));
  EXPECT_THAT(html, HasSubstr("No thresholds were set."));
  EXPECT_THAT(html, HasSubstr("<span>no thresholds</span>"));
  EXPECT_TRUE(all(doc, "svg").empty());
}

TEST(HtmlReport, AllThresholdsPassingReadsPass) {
  RunReport r;
  r.thresholds.push_back({"errors.count == 0", 0, true, ""});
  EXPECT_THAT(render_html(r), HasSubstr("<span class=\"pass\">PASS</span>"));
}

TEST(HtmlReport, WriteCreatesParentDirectoriesAndNamesAnUnwritablePath) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("s3storm-html-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  const auto path = (dir / "a" / "b" / "report.html").string();
  write_html_file(testing::sample_report(0, 1, 100), path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), render_html(testing::sample_report(0, 1, 100)));
  const auto blocked = (dir / "a" / "b" / "report.html" / "under-a-file.html").string();
  try {
    write_html_file(RunReport{}, blocked);
    ADD_FAILURE() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr(blocked));
  }
  std::filesystem::remove_all(dir);
}

TEST(SvgTicks, LinearTicksAreNiceAndCoverTheRange) {
  const auto t = html::linear_ticks(0, 97);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 100);
  EXPECT_EQ(t.at, (std::vector<double>{0, 20, 40, 60, 80, 100}));
  const auto small = html::linear_ticks(0.13, 0.31);
  EXPECT_LE(small.lo, 0.13);
  EXPECT_GE(small.hi, 0.31);
  EXPECT_EQ(small.at.front(), small.lo);
  EXPECT_EQ(small.at.back(), small.hi);
  // Degenerate ranges still give a domain with width.
  for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
           {0, 0}, {5, 5}, {-3, -3}, {std::nan(""), 1}, {1e300, 1e300}}) {
    const auto d = html::linear_ticks(lo, hi);
    EXPECT_LT(d.lo, d.hi) << lo << " " << hi;
    EXPECT_GE(d.at.size(), 2u);
    EXPECT_LE(d.at.size(), 12u);
  }
}

TEST(SvgTicks, LogTicksAreWholeDecades) {
  const auto t = html::log_ticks(3, 45'000);
  EXPECT_DOUBLE_EQ(t.lo, 1);
  EXPECT_DOUBLE_EQ(t.hi, 100'000);
  EXPECT_EQ(t.at.size(), 6u);
  const auto one = html::log_ticks(1000, 1000);
  EXPECT_LT(one.lo, one.hi);
  const auto wide = html::log_ticks(1, 1e12);
  EXPECT_LE(wide.at.size(), 7u);  // every other decade
  const auto bad = html::log_ticks(0, -1);
  EXPECT_GT(bad.lo, 0);
  EXPECT_LT(bad.lo, bad.hi);
}

struct Box {
  double width = 0, height = 0;
};

Box view_box(const pugi::xml_node& svg) {
  Box b;
  double x = -1, y = -1;
  std::istringstream(svg.attribute("viewBox").value()) >> x >> y >> b.width >> b.height;
  EXPECT_EQ(x, 0);
  EXPECT_EQ(y, 0);
  return b;
}

void expect_inside(const Box& box, double x, double y, const std::string& what) {
  EXPECT_TRUE(std::isfinite(x) && std::isfinite(y)) << what;
  EXPECT_GE(x, 0) << what;
  EXPECT_LE(x, box.width) << what;
  EXPECT_GE(y, 0) << what;
  EXPECT_LE(y, box.height) << what;
}

// Every mark of a chart lies inside its viewBox; returns how many are data marks.
int check_geometry(const std::string& svg_text) {
  const auto doc = parse_page_as_xml(svg_text);
  const auto svg = doc.child("svg");
  const Box box = view_box(svg);
  int marks = 0;
  for (const char* shape : {"polyline", "polygon"}) {
    for (const auto& node : all(doc, shape)) {
      std::istringstream points(node.attribute("points").value());
      std::string pair;
      while (points >> pair) {
        const auto comma = pair.find(',');
        EXPECT_NE(comma, std::string::npos) << pair;
        if (comma == std::string::npos) continue;
        expect_inside(box, std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1)),
                      pair);
      }
      marks += std::string(node.attribute("class").value()) == "data";
    }
  }
  for (const auto& c : all(doc, "circle")) {
    expect_inside(box, c.attribute("cx").as_double(), c.attribute("cy").as_double(), "circle");
    marks += std::string(c.attribute("class").value()) == "data";
  }
  for (const auto& r : all(doc, "rect")) {
    const double x = r.attribute("x").as_double(), y = r.attribute("y").as_double();
    expect_inside(box, x, y, "rect");
    expect_inside(box, x + r.attribute("width").as_double(), y + r.attribute("height").as_double(),
                  "rect far corner");
    marks += std::string(r.attribute("class").value()) == "data";
  }
  return marks;
}

html::Chart chart_with(html::ChartKind kind, bool log_y, std::vector<html::Point> points) {
  html::Chart c;
  c.title = "t";
  c.kind = kind;
  c.y.log = log_y;
  c.series.push_back({"a", std::move(points)});
  c.series.push_back({"b", {{1, 2}, {2, 3}}});
  return c;
}

TEST(SvgChart, PointsStayInsideTheViewBoxWhateverTheValues) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<html::Point> awkward{{0, 0},   {1, -5},           {2, 1e9},  {3, 1e-9},
                                         {4, inf}, {std::nan(""), 1}, {1e6, 0.5}};
  for (const auto kind : {html::ChartKind::kLine, html::ChartKind::kArea, html::ChartKind::kBars}) {
    for (const bool log_y : {false, true}) {
      const auto svg = html::render_svg(chart_with(kind, log_y, awkward));
      EXPECT_THAT(svg, Not(HasSubstr("nan")));
      EXPECT_THAT(svg, Not(HasSubstr("inf")));
      EXPECT_GT(check_geometry(svg), 2) << static_cast<int>(kind) << log_y;
    }
  }
}

TEST(SvgChart, ChartsWithNothingToDrawSaySoWithoutDividingByZero) {
  html::Chart none;
  none.title = "empty";
  const auto svg = html::render_svg(none);
  EXPECT_THAT(svg, HasSubstr("class=\"chart empty\""));
  EXPECT_THAT(svg, HasSubstr("no data"));
  check_geometry(svg);

  html::Chart hollow = none;
  hollow.series.push_back({"no points", {}});
  EXPECT_THAT(html::render_svg(hollow), HasSubstr("no data"));

  // One point, all-zero values on a log axis, one x value as a bar: drawn, not NaN.
  for (const auto kind : {html::ChartKind::kLine, html::ChartKind::kBars}) {
    html::Chart single;
    single.kind = kind;
    single.y.log = kind == html::ChartKind::kLine;
    single.series.push_back({"zero", {{7, 0}}});
    const auto text = html::render_svg(single);
    EXPECT_THAT(text, Not(HasSubstr("nan")));
    EXPECT_EQ(check_geometry(text), 1) << text;
  }
}

TEST(SvgChart, LegendNamesEverySeriesAndPointsHaveTooltips) {
  auto c = chart_with(html::ChartKind::kLine, false, {{0, 1}, {1, 2}});
  c.series[0].name = "put <mean>";
  c.x.format = [](double v) { return std::to_string(static_cast<int>(v)) + "s"; };
  const auto svg = html::render_svg(c);
  const auto doc = parse_page_as_xml(svg);
  std::vector<std::string> legend;
  for (const auto& t : all(doc, "g[@class='legend']/text")) legend.emplace_back(t.text().get());
  EXPECT_EQ(legend, (std::vector<std::string>{"put <mean>", "b"}));
  EXPECT_TRUE(doc.select_node("//circle/title[.='put <mean>: 1s, 2']"));
  EXPECT_TRUE(doc.select_node("//polyline/title[.='put <mean>']"));
}

TEST(HtmlCharts, PercentileCurveRisesToTheMaximum) {
  EXPECT_TRUE(html::percentile_curve(stats::Histogram{}).empty());
  stats::Histogram h;
  for (std::uint64_t v = 1; v <= 5000; ++v) h.record(v * 10);
  const auto curve = html::percentile_curve(h);
  ASSERT_GT(curve.size(), 10u);
  EXPECT_DOUBLE_EQ(curve.front().x, 1);
  EXPECT_DOUBLE_EQ(curve.back().x, 10'000);  // 5000 values: the tail to 99.99%
  EXPECT_DOUBLE_EQ(curve.back().y, 50'000);
  for (std::size_t i = 1; i < curve.size(); ++i) {
    EXPECT_GT(curve[i].x, curve[i - 1].x);
    EXPECT_GE(curve[i].y, curve[i - 1].y);
  }
  // The median sits at x = 2 (1/(1-0.5)); each point is the value at its own percentile.
  const auto median = std::find_if(curve.begin(), curve.end(), [](auto p) { return p.x >= 2; });
  EXPECT_NEAR(median->y, 50'000 * (1 - 1 / median->x), 100);
  EXPECT_LT(median->x, 2.5);
}

TEST(HtmlCharts, LongSeriesAreBucketedAndKeepTheirRate) {
  stats::PhaseStats phase;
  phase.name = "long";
  stats::OpOutcome o;
  o.ok = true;
  o.latency_us = o.service_us = 1000;
  const std::int64_t start = 1'700'000'000;
  for (std::int64_t s = 0; s < 5000; ++s) {
    o.epoch_second = start + s;
    for (int i = 0; i < 10; ++i) phase.op(OpKind::kGet).record(o);
  }
  o.latency_us = 9000;
  o.epoch_second = start + 4321;
  phase.op(OpKind::kGet).record(o);
  const auto chart = html::throughput_chart(phase, start);
  ASSERT_EQ(chart.series.size(), 1u);
  EXPECT_EQ(chart.series[0].name, "get");
  EXPECT_LE(chart.series[0].points.size(), html::kMaxTimePoints);
  EXPECT_GT(chart.series[0].points.size(), html::kMaxTimePoints / 2);
  for (const auto& p : chart.series[0].points) EXPECT_NEAR(p.y, 10, 0.2);
  const auto latency = html::latency_over_time_chart(phase, start);
  ASSERT_EQ(latency.series.size(), 3u);  // p50, p99 and max
  EXPECT_EQ(latency.series[1].name, "get p99");
  double highest = 0;
  for (const auto& p : latency.series[2].points) highest = std::max(highest, p.y);
  EXPECT_EQ(highest, 9000);  // a bucket keeps its seconds' maximum
  EXPECT_TRUE(html::errors_chart(phase, start).series.empty());
  EXPECT_GT(check_geometry(html::render_svg(chart)), 0);
}

TEST(HtmlCharts, PartialFirstAndLastSecondsAreDrawnAtTheirRealRate) {
  // 10 operations a second from start + 0.5 s to start + 3.5 s: the first and last seconds hold
  // 5 each, which over a whole second would draw as a halved rate.
  const std::int64_t start = 1'700'000'000;
  stats::PhaseStats phase;
  phase.name = "steady";
  phase.started_epoch_s = static_cast<double>(start) + 0.5;
  phase.duration_s = 3.0;
  stats::OpOutcome o;
  o.ok = true;
  o.latency_us = o.service_us = 500;
  for (auto [second, n] : {std::pair{0, 5}, {1, 10}, {2, 10}, {3, 5}}) {
    o.epoch_second = start + second;
    for (int i = 0; i < n; ++i) phase.op(OpKind::kPut).record(o);
  }
  auto chart = html::throughput_chart(phase, start);
  ASSERT_EQ(chart.series.size(), 1u);
  ASSERT_EQ(chart.series[0].points.size(), 4u);
  // Epoch seconds as doubles carry about 1e-7 s of rounding.
  for (const auto& p : chart.series[0].points) EXPECT_NEAR(p.y, 10, 1e-5) << p.x;

  // A last second the phase barely entered (0.1 s, 1 operation) joins the one before it rather
  // than drawing 1 / 0.1 s = 10/s from a single operation, or 1/s over a whole second.
  phase.duration_s = 2.6;  // ends at start + 3.1
  phase.op(OpKind::kPut) = {};
  for (auto [second, n] : {std::pair{0, 5}, {1, 10}, {2, 10}, {3, 1}}) {
    o.epoch_second = start + second;
    for (int i = 0; i < n; ++i) phase.op(OpKind::kPut).record(o);
  }
  chart = html::throughput_chart(phase, start);
  ASSERT_EQ(chart.series[0].points.size(), 3u);
  EXPECT_NEAR(chart.series[0].points[2].y, 11 / 1.1, 1e-5);

  // Reports from before the phase's start was kept: whole seconds, as they always were drawn.
  phase.started_epoch_s = 0;
  chart = html::throughput_chart(phase, start);
  ASSERT_EQ(chart.series[0].points.size(), 4u);
  EXPECT_DOUBLE_EQ(chart.series[0].points[0].y, 5);
}

TEST(HtmlCharts, PhasesTimelineDrawsPhasesThatRanTogetherOverlapping) {
  const std::int64_t start = 1'700'000'000;
  std::vector<stats::PhaseStats> phases(4);
  const std::pair<double, double> spans[] = {{0.5, 1.0}, {1.5, 3.0}, {1.5, 2.0}, {4.5, 0.5}};
  for (std::size_t i = 0; i < phases.size(); ++i) {
    phases[i].name = "p" + std::to_string(i);
    phases[i].started_epoch_s = static_cast<double>(start) + spans[i].first;
    phases[i].duration_s = spans[i].second;
  }
  phases[3].started_epoch_s = 0;  // unknown start (an older report): left out
  const auto chart = html::phases_timeline_chart(phases, start);
  ASSERT_EQ(chart.series.size(), 3u);
  EXPECT_EQ(chart.series[1].points[0].x, chart.series[2].points[0].x);  // started together
  EXPECT_DOUBLE_EQ(chart.series[1].points[1].x, 4.5);
  EXPECT_DOUBLE_EQ(chart.series[2].points[1].x, 3.5);
  EXPECT_GT(chart.series[0].points[0].y, chart.series[1].points[0].y);  // the first on top
  EXPECT_EQ(chart.y.format(chart.series[1].points[0].y), "p1");
  const auto svg = html::render_svg(chart);
  EXPECT_GT(check_geometry(svg), 0);
  EXPECT_NE(svg.find(">p2<"), std::string::npos);
}

TEST(HtmlCharts, EventsOverTimeShowExpectedDeliveredMissingAndTheBacklog) {
  const std::int64_t start = 1'700'000'000;
  stats::EventStats events;
  events.source = "webhook";
  // 10 events expected in each of seconds 0..2; they arrive 8, 10, 10 and the last 2 in second
  // 3; 1 of second 2's never came.
  for (int second = 0; second < 3; ++second)
    events.expected_per_second.add_counts(start + second, 10, 0);
  events.expected_per_second.add_counts(start + 2, 0, 1);
  for (auto [second, n] : {std::pair{0, 8}, {1, 10}, {2, 9}, {3, 2}}) {
    for (int i = 0; i < n; ++i) {
      events.delivered_per_second.record(start + second, true, 0, 2000 + 1000 * second);
    }
  }
  const auto rates = html::events_over_time_chart(events, start);
  ASSERT_EQ(rates.series.size(), 3u);
  EXPECT_EQ(rates.series[0].name, "expected");
  EXPECT_EQ(rates.series[1].name, "delivered");
  EXPECT_EQ(rates.series[2].name, "missing at the end");
  EXPECT_EQ(rates.series[1].points.size(), 4u);
  EXPECT_DOUBLE_EQ(rates.series[2].points[2].y, 1);

  const auto backlog = html::event_backlog_chart(events, start);
  ASSERT_EQ(backlog.series.size(), 1u);
  std::vector<double> outstanding;
  for (const auto& p : backlog.series[0].points) outstanding.push_back(p.y);
  EXPECT_EQ(outstanding, (std::vector<double>{2, 2, 3, 1}));

  const auto latency = html::delivery_latency_over_time_chart(events, start);
  ASSERT_EQ(latency.series.size(), 3u);
  EXPECT_DOUBLE_EQ(latency.series[2].points[3].y, 5000);  // second 3's maximum
  EXPECT_GT(check_geometry(html::render_svg(backlog)), 0);
}

TEST(HtmlReport, OperationsTableHasAnAllOperationsRow) {
  const RunReport report = testing::sample_report();
  const auto doc = parse_page_as_xml(render_html(report));
  const auto row =
      doc.select_node("//section[@id='phase-1']//table[@class='ops']//tr[td[1]='all']");
  ASSERT_TRUE(row);
  std::vector<std::string> cells;
  for (const auto& td : row.node().children("td")) cells.emplace_back(td.text().get());
  std::uint64_t count = 0;
  for (const auto& op : report.phases[0].ops) count += op.count;
  ASSERT_GE(cells.size(), 12u);
  EXPECT_EQ(cells[1], std::to_string(count));
}

}  // namespace
}  // namespace s3storm::report
