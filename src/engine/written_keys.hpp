#pragma once

// The keys the run has written, per bucket, for `delete_objects` steps to delete in batches:
// oldest first, each handed out once. Shared by every worker of every phase (one lock, taken once
// per write and per batch), and only kept when the scenario has a delete_objects step.

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace s3storm::engine {

class WrittenKeys {
 public:
  void add(std::string_view bucket, std::string_view key);
  // Up to `count` of the oldest keys of `bucket` into `out` (cleared first); they leave the set.
  void take(std::string_view bucket, std::size_t count, std::vector<std::string>& out);

 private:
  std::mutex mutex_;
  std::map<std::string, std::deque<std::string>, std::less<>> keys_;
};

}  // namespace s3storm::engine
