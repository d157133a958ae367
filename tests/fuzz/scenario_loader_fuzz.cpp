// Fuzz entry point over the scenario loader: any input must either load or be rejected with a
// ScenarioError. Anything else (a crash, another exception, a sanitizer report) is a bug.
// Built two ways: with clang's libFuzzer (tests/fuzz/CMakeLists.txt), and with any
// compiler as a corpus replayer (fuzz_replay_main.cpp) so ordinary builds run it too.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scenario/loader.hpp"
#include "scenario/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace s3storm::scenario;
  LoadOptions options;
  // A fixed environment: the process's own would make runs irreproducible.
  options.env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "S3_ENDPOINT") return std::string("http://127.0.0.1:9000");
    return std::nullopt;
  };
  options.default_seed = 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const Scenario scenario = load_scenario_text(text, "fuzz.yaml", options);
    // A loaded scenario must also plan and generate without surprises.
    (void)format_plan(scenario);
    s3storm::Rng rng(scenario.seed);
    KeyContext ctx;
    for (const auto& phase : scenario.phases) {
      ctx.phase = phase.name;
      const auto visit = [&](const Step& step) {
        std::string key;
        step.key.key.expand(key, ctx, rng);
        (void)step.size.draw(rng);
      };
      for (const auto& step : phase.flow) visit(step);
      for (const auto& weighted : phase.mix) visit(weighted.step);
    }
  } catch (const ScenarioError&) {
    // Rejected with positioned diagnostics: the expected outcome for most inputs.
  }
  return 0;
}
