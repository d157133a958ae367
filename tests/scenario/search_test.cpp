// A phase's `search:`: what the loader accepts and refuses (one line each, with its position),
// the order of the probed rates, and what `validate` prints of it.

#include <gtest/gtest.h>

#include <string>

#include "scenario/loader.hpp"
#include "scenario/plan.hpp"
#include "scenario/scenario_error.hpp"
#include "scenario/search_steps.hpp"

namespace s3storm::scenario {
namespace {

constexpr std::string_view kWebhook = "events: {source: webhook}\n";

Scenario load_phase(const std::string& phase_body, std::string_view events = kWebhook) {
  LoadOptions options;
  options.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  options.default_seed = 1;
  // The events section last, so that the phase's lines keep their numbers.
  const std::string yaml = "target: {endpoint: embedded, bucket: b-1}\nphases:\n  - name: p\n" +
                           phase_body + "    mix: [{put: {key: \"k-{seq}\", size: 1}}]\n" +
                           std::string(events);
  return load_scenario_text(yaml, "t.yaml", options);
}

std::string errors_of(const std::string& phase_body, std::string_view events = kWebhook) {
  try {
    load_phase(phase_body, events);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

const std::string kSearch =
    "    search:\n"
    "      rate: {from: 200/s, to: 20000/s}\n"
    "      probe: 10s\n"
    "      until: [\"errors.rate < 0.01\", \"events.missing == 0\",\n"
    "              \"events.delivery_from_send.p99 < 2s\"]\n"
    "      precision: 5%\n";

TEST(SearchSection, ReadsTheIssuesExample) {
  const auto s = load_phase("    concurrency: 64\n" + kSearch);
  ASSERT_TRUE(s.phases[0].search);
  const auto& search = *s.phases[0].search;
  EXPECT_EQ(search.from_per_second, 200);
  EXPECT_EQ(search.to_per_second, 20000);
  EXPECT_EQ(search.probe, std::chrono::seconds(10));
  EXPECT_DOUBLE_EQ(search.precision, 0.05);
  ASSERT_EQ(search.until.size(), 3u);
  EXPECT_EQ(search.until[2].expression, "events.delivery_from_send.p99 < 2s");
  EXPECT_EQ(s.phases[0].concurrency, 64);
}

TEST(SearchSection, RefusesWhatCannotBeSearched) {
  EXPECT_EQ(errors_of("    rate: 10/s\n    duration: 5s\n" + kSearch),
            "t.yaml:4:11: phase 'p' has a 'search', which sets its rate and its probes' duration: "
            "remove 'rate'\n"
            "t.yaml:5:15: phase 'p' has a 'search', which sets its rate and its probes' duration: "
            "remove 'duration'");
  EXPECT_EQ(errors_of("    search:\n      rate: {from: 500/s, to: 500/s}\n      probe: 1s\n"
                      "      until: [\"errors.rate < 0.01\"]\n"),
            "t.yaml:5:31: search rate 'to' (500/s) must be above 'from' (500/s)");
  EXPECT_EQ(errors_of("    search:\n      rate: {from: fast, to: 500/s}\n      probe: 1s\n"
                      "      until: [\"errors.rate < 0.01\"]\n"),
            "t.yaml:5:20: 'from': expected a rate like 500/s or 30000/m, got 'fast'");
  EXPECT_EQ(errors_of("    search:\n      rate: {from: 1/s, to: 5/s}\n      probe: 1s\n"
                      "      until: [\"events.unexpected == 0\"]\n"),
            "t.yaml:7:15: unknown measure in until: 'events.unexpected == 0'; 'until' is judged "
            "on each probe alone and may name <op>.pNN|mean|min|max|count|errors, "
            "errors.rate|count, ops.rate|count, ops.<op>.rate|count, "
            "events.expected|delivered|missing|early|mismatched, events.delivery.pNN|mean|max, "
            "events.delivery_from_send.pNN|mean|max, endpoint[N].errors.rate|count, "
            "endpoint[N].ops.rate|count, endpoint[N].<op>.pNN|mean|min|max|count|errors");
  // An endpoint's share of a probe, only with target.endpoints (through the binary:
  // tests/engine/test_run_search.py).
  EXPECT_EQ(errors_of("    search:\n      rate: {from: 1/s, to: 5/s}\n      probe: 1s\n"
                      "      until: [\"endpoint[0].errors.rate < 0.01\"]\n"),
            "t.yaml:7:15: in until: threshold 'endpoint[0].errors.rate < 0.01' "
            "names an endpoint, but the scenario has no target.endpoints");
  EXPECT_NE(errors_of("    search:\n      rate: {from: 1/s, to: 5/s}\n      probe: 1s\n"
                      "      until: [\"put.p99 < fast\"]\n")
                .find("t.yaml:7:15: in until: threshold value 'fast'"),
            std::string::npos);
  EXPECT_EQ(errors_of("    search:\n      rate: {from: 1/s, to: 5/s}\n      probe: 1s\n"
                      "      until: [\"errors.rate < 0.01\"]\n      precision: 80%\n"),
            "t.yaml:8:18: 'precision' must lie between 0.1% and 50%");
  EXPECT_EQ(errors_of("    search:\n      rate: {from: 1/s, to: 5/s}\n      probe: 1s\n"),
            "t.yaml:5:7: search needs 'until'");
}

// With no event source nothing is expected, so an `until` on events would hold on every probe and
// the search would report `to` as held, whatever the store did.
TEST(SearchSection, RefusesEventMeasuresWithoutAnEventSource) {
  EXPECT_EQ(errors_of(kSearch, ""),
            "t.yaml:7:37: 'until' measures events, but events.source is none (no event is "
            "expected, so it would always hold): set events.source, or drop 'events.missing == "
            "0'\n"
            "t.yaml:8:15: 'until' measures events, but events.source is none (no event is "
            "expected, so it would always hold): set events.source, or drop "
            "'events.delivery_from_send.p99 < 2s'");
  EXPECT_NE(errors_of(kSearch, "events: {source: none}\n").find("t.yaml:7:37: 'until' measures"),
            std::string::npos);
  // Measures of the operations alone need no events.
  EXPECT_EQ(errors_of("    search:\n      rate: {from: 1/s, to: 5/s}\n      probe: 1s\n"
                      "      until: [\"errors.rate < 0.01\"]\n",
                      ""),
            "");
}

TEST(SearchSteps, StepsUpThenBisectsToThePrecision) {
  Search search;
  search.from_per_second = 100;
  search.to_per_second = 3200;
  search.precision = 0.05;
  SearchSteps steps(search);
  // A server that holds up to 430/s: 100, 200, 400 hold, 800 fails, then bisection.
  std::vector<double> probed;
  while (const auto rate = steps.next()) {
    probed.push_back(*rate);
    steps.record(*rate, *rate <= 430);
    ASSERT_LE(probed.size(), static_cast<std::size_t>(SearchSteps::max_probes(search)));
  }
  EXPECT_EQ(probed, (std::vector<double>{100, 200, 400, 800, 600, 500, 450, 425, 437.5}));
  ASSERT_TRUE(steps.max_held());
  EXPECT_EQ(*steps.max_held(), 425);
  EXPECT_LE(*steps.min_failed() - *steps.max_held(), 0.05 * *steps.max_held());
}

TEST(SearchSteps, EndsAtOnceWhenFromFailsAndAtToWhenItHolds) {
  Search search;
  search.from_per_second = 100;
  search.to_per_second = 300;
  search.precision = 0.05;
  SearchSteps failing(search);
  failing.record(*failing.next(), false);
  EXPECT_FALSE(failing.next());
  EXPECT_FALSE(failing.max_held());

  SearchSteps holding(search);
  std::vector<double> probed;
  while (const auto rate = holding.next()) {
    probed.push_back(*rate);
    holding.record(*rate, true);
  }
  EXPECT_EQ(probed, (std::vector<double>{100, 200, 300}));
  EXPECT_EQ(*holding.max_held(), 300);
}

TEST(SearchPlan, ValidatePrintsTheProbedRates) {
  const auto text = format_plan(load_phase("    concurrency: 8\n" + kSearch));
  EXPECT_NE(text.find("phase p: capacity search: probes of 10s at 200/s, 400/s, 800/s, 1600/s, "
                      "3200/s, 6400/s, 12800/s, 20000/s until one fails, then bisection to "
                      "within 5% (at most 13 probes); until errors.rate < 0.01, events.missing "
                      "== 0, events.delivery_from_send.p99 < 2s; open loop, up to 8 in flight"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace s3storm::scenario
