#include "engine/written_keys.hpp"

namespace s3storm::engine {

void WrittenKeys::add(std::string_view bucket, std::string_view key) {
  const std::lock_guard lock(mutex_);
  auto found = keys_.find(bucket);
  if (found == keys_.end())
    found = keys_.emplace(std::string(bucket), std::deque<std::string>{}).first;
  found->second.emplace_back(key);
}

void WrittenKeys::take(std::string_view bucket, std::size_t count, std::vector<std::string>& out) {
  out.clear();
  const std::lock_guard lock(mutex_);
  const auto found = keys_.find(bucket);
  if (found == keys_.end()) return;
  auto& keys = found->second;
  while (out.size() < count && !keys.empty()) {
    out.push_back(std::move(keys.front()));
    keys.pop_front();
  }
}

}  // namespace s3storm::engine
