#pragma once

// A phase of a scenario, ready to run through the seams: the scenario read from YAML text, its
// prepared phase, a payload, a PhaseContext whose session reads a ManualTime, and a FakeSender
// answering from a script. Nothing here opens a socket.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>

#include "engine/flow_runner.hpp"
#include "engine/notification_rules.hpp"
#include "engine/phase_context.hpp"
#include "engine/prepared_step.hpp"
#include "fake_sender.hpp"
#include "s3/payload.hpp"
#include "s3/session.hpp"
#include "scenario/loader.hpp"
#include "stats/phase_recorder.hpp"

namespace s3storm::testing {

// `phase` is the YAML of one phase (indented under `phases:`, named `load`).
inline std::string scenario_with_phase(const std::string& phase) {
  return "target:\n"
         "  endpoint: http://127.0.0.1:9\n"
         "  credentials: {access_key: AKIDEXAMPLE, secret_key: secret}\n"
         "seed: 7\n"
         "phases:\n"
         "  - name: load\n" +
         phase;
}

struct LoadRig {
  explicit LoadRig(const std::string& phase, FakeSender::Script answers)
      : scenario(scenario::load_scenario_text(scenario_with_phase(phase), "rig.yaml")),
        prepared(scenario.phases.at(0)),
        payload(std::max<std::uint64_t>(prepared.largest_body, 1), scenario.seed),
        rules(scenario),
        recorder("load"),
        script(std::move(answers)) {
    context.scenario = &scenario;
    context.phase = &prepared;
    context.payload = &payload;
    context.session.endpoint = http::Endpoint::parse("http://127.0.0.1:9");
    context.session.credentials = {"AKIDEXAMPLE", "secret", ""};
    context.session.time = TimeSource(time);
    // Backoff waits on Asio's timer, in real time: none, so a retry test takes no time.
    context.session.retry.base_delay = std::chrono::milliseconds(0);
    context.rules = &rules;
    context.recorder = &recorder;
    context.stop = &stop;
    context.start = time.steady;
    const auto& phase_model = *prepared.phase;
    if (phase_model.rate_per_second)
      context.schedule.emplace(*phase_model.rate_per_second,
                               std::vector<engine::OpenLoopSchedule::Ramp>{});
  }

  // One flow slot on this rig's own io_context and fake (FlowRunner tests).
  engine::FlowRunner& flow() {
    if (!flow_) {
      fake.emplace(io, time, script);
      session.emplace(io, *fake, context.session, payload, 1);
      flow_ = std::make_unique<engine::FlowRunner>(context, io, *session, worker_recorder, 0);
    }
    return *flow_;
  }

  // Runs one iteration of the flow slot to its end.
  void run_iteration(std::uint64_t iteration,
                     std::optional<engine::Clock::time_point> intended = {}) {
    bool finished = false;
    flow().start(iteration, intended.value_or(time.steady),
                 [&](engine::FlowRunner&) { finished = true; });
    io.run();
    io.restart();
    EXPECT_TRUE(finished);
  }

  // The workers' own transport, made on their io_context; `worker_fake` is valid while the
  // Worker lives.
  void fake_transport_for_workers() {
    context.make_sender = [this](boost::asio::io_context& worker_io, const engine::PhaseContext&,
                                 const http::Endpoint&) {
      auto made = std::make_unique<FakeSender>(worker_io, time, script);
      worker_fake = made.get();
      return made;
    };
  }

  const stats::OpStats& op(OpKind kind) const { return worker_recorder.stats().op(kind); }

  ManualTime time;
  scenario::Scenario scenario;
  engine::PreparedPhase prepared;
  s3::Payload payload;
  engine::NotificationRules rules;
  stats::PhaseRecorder recorder;
  stats::WorkerRecorder& worker_recorder = recorder.add_worker();
  std::atomic<bool> stop{false};
  engine::PhaseContext context;
  FakeSender::Script script;
  boost::asio::io_context io;
  std::optional<FakeSender> fake;
  FakeSender* worker_fake = nullptr;

 private:
  std::optional<s3::Session> session;
  std::unique_ptr<engine::FlowRunner> flow_;
};

}  // namespace s3storm::testing
