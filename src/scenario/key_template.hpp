#pragma once

// A key template compiled once into tokens, so expansion per request is a few appends into a
// reused string: no parsing on the hot path.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/rng.hpp"

namespace s3storm::scenario {

struct KeyContext {
  std::uint64_t iter = 0;    // flow iteration number within the phase (0-based, unique per phase)
  std::uint64_t seq = 0;     // this worker's own iteration counter (0-based)
  std::uint64_t worker = 0;  // worker (flow slot) number
  std::string_view phase;    // phase name
  std::string_view last;     // key written by the previous writing step of this flow
};

class KeyTemplate {
 public:
  enum class Kind { kLiteral, kIter, kSeq, kWorker, kPhase, kRand, kUuid, kHash, kLast };
  struct Token {
    Kind kind = Kind::kLiteral;
    std::string text;    // literal text
    unsigned width = 0;  // rand:N, hash:N
  };

  // Throws std::invalid_argument with a message fit for a diagnostic ("unknown template variable
  // '{x}'; allowed: ...").
  static KeyTemplate compile(std::string_view text);

  // Appends the expanded key to out (out is not cleared: callers may prefix it).
  void expand(std::string& out, const KeyContext& ctx, Rng& rng) const;
  std::string expand(const KeyContext& ctx, Rng& rng) const;

  const std::string& source() const { return source_; }
  const std::vector<Token>& tokens() const { return tokens_; }
  bool uses(Kind kind) const;
  bool empty() const { return tokens_.empty(); }
  // Longest key this template can produce, in bytes, given the longest phase name and last key.
  std::size_t max_length(std::size_t phase_length, std::size_t last_length) const;

 private:
  std::string source_;
  std::vector<Token> tokens_;
  bool has_hash_ = false;
};

}  // namespace s3storm::scenario
