#pragma once

// The live progress line: on a terminal, one line rewritten every second; otherwise a plain line
// every five seconds, so CI logs stay readable. Reads only the shared live counters.

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "stats/live_counters.hpp"

namespace s3storm::engine {

class Progress {
 public:
  Progress(const stats::LiveCounters& live, std::FILE* out);
  ~Progress();
  void set_phase(std::string name);
  void stop();

 private:
  void loop();
  void print_line(double elapsed_s, double ops_per_s, const stats::LiveCounters::Snapshot& now);

  const stats::LiveCounters& live_;
  std::FILE* out_;
  bool terminal_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string phase_;
  std::thread thread_;
};

}  // namespace s3storm::engine
