#pragma once

// The progress line, from the start of setup to the end of cleanup: on a terminal one line
// rewritten every second, otherwise a plain line every five seconds (CI logs stay readable), and
// a line at once whenever the run moves on (setup, each phase, the wait for late events, cleanup).
// During a phase it reads the phase's stats::PhaseRecorder, the same numbers the report ends with.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "events/matcher.hpp"
#include "stats/phase_recorder.hpp"

namespace s3storm::engine {

struct PhaseProgress {
  std::size_t number = 1;  // from 1
  std::size_t of = 1;
  std::string name;
  const stats::PhaseRecorder* recorder = nullptr;
  std::chrono::steady_clock::time_point start;
  std::optional<std::chrono::steady_clock::duration> duration;
  std::uint64_t iterations = 0;  // this run's share; 0 when the phase runs by duration
};

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // `matcher` (null when events are not checked) gives the count of events missing so far.
  Progress(std::FILE* out, const events::Matcher* matcher);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The phases now starting: one, or a group that runs together (`with:`), shown side by side.
  void phases(std::vector<PhaseProgress> phases);
  // Outside the phases: `describe` says what goes on ("setup: ...", "events: waiting for ...");
  // it is called now and then on the progress thread at every tick.
  void stage(std::function<std::string()> describe);
  void stop();

 private:
  void loop();
  void print_locked();
  std::string phases_line_locked(Clock::time_point now);
  std::string phase_part_locked(std::size_t i, Clock::time_point now, double window);

  std::FILE* out_;
  const events::Matcher* matcher_;
  bool terminal_;
  const Clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<PhaseProgress> phases_;  // empty outside the phases
  std::function<std::string()> stage_;
  std::vector<std::uint64_t> last_done_;  // for the rates: each phase's operations at the last line
  Clock::time_point last_time_;
  std::thread thread_;
};

}  // namespace s3storm::engine
