#include "scenario/key_template.hpp"

#include <charconv>
#include <stdexcept>

#include "util/hex.hpp"

namespace s3storm::scenario {

namespace {

constexpr std::string_view kAllowed =
    "{iter}, {seq}, {worker}, {phase}, {rand:N}, {uuid}, {hash:N}, {last}";
constexpr unsigned kMaxRand = 256;
constexpr unsigned kMaxHash = 16;  // hex digits of one 64-bit hash
constexpr std::size_t kMaxDecimal = 20;

void append_decimal(std::string& out, std::uint64_t value) {
  char buf[kMaxDecimal];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 20 digits always fit a uint64
  out.append(buf, end);
}

unsigned parse_width(std::string_view name, std::string_view arg, unsigned max) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), value);
  if (arg.empty() || ec != std::errc() || ptr != arg.data() + arg.size() || value == 0 ||
      value > max) {
    throw std::invalid_argument("template variable '{" + std::string(name) + ":" +
                                std::string(arg) + "}' needs a width from 1 to " +
                                std::to_string(max));
  }
  return value;
}

}  // namespace

KeyTemplate KeyTemplate::compile(std::string_view text) {
  KeyTemplate t;
  t.source_ = std::string(text);
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.tokens_.push_back({Kind::kLiteral, std::move(literal), 0});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      throw std::invalid_argument("unmatched '}' in key template (write '}}' for a literal brace)");
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    const auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("unclosed '{' in key template (write '{{' for a literal brace)");
    }
    const std::string_view inner = text.substr(i + 1, close - i - 1);
    const auto colon = inner.find(':');
    const std::string_view name = inner.substr(0, colon);
    const std::string_view arg =
        colon == std::string_view::npos ? std::string_view{} : inner.substr(colon + 1);
    const bool has_arg = colon != std::string_view::npos;
    Token token;
    if (name == "rand" && has_arg) {
      token = {Kind::kRand, {}, parse_width(name, arg, kMaxRand)};
    } else if (name == "hash" && has_arg) {
      token = {Kind::kHash, {}, parse_width(name, arg, kMaxHash)};
      if (t.has_hash_) {
        // One spread-out prefix is the point; several hashes of one key add nothing.
        throw std::invalid_argument("a key template may use '{hash:N}' only once");
      }
      t.has_hash_ = true;
    } else if (!has_arg && name == "iter") {
      token.kind = Kind::kIter;
    } else if (!has_arg && name == "seq") {
      token.kind = Kind::kSeq;
    } else if (!has_arg && name == "worker") {
      token.kind = Kind::kWorker;
    } else if (!has_arg && name == "phase") {
      token.kind = Kind::kPhase;
    } else if (!has_arg && name == "uuid") {
      token.kind = Kind::kUuid;
    } else if (!has_arg && name == "last") {
      token.kind = Kind::kLast;
    } else if (!has_arg && (name == "rand" || name == "hash")) {
      throw std::invalid_argument("template variable '{" + std::string(name) +
                                  "}' needs a width, e.g. '{" + std::string(name) + ":8}'");
    } else {
      throw std::invalid_argument("unknown template variable '{" + std::string(inner) +
                                  "}'; allowed: " + std::string(kAllowed));
    }
    flush();
    t.tokens_.push_back(std::move(token));
    i = close;
  }
  flush();
  return t;
}

bool KeyTemplate::uses(Kind kind) const {
  for (const auto& token : tokens_) {
    if (token.kind == kind) return true;
  }
  return false;
}

std::size_t KeyTemplate::max_length(std::size_t phase_length, std::size_t last_length) const {
  std::size_t total = 0;
  for (const auto& token : tokens_) {
    switch (token.kind) {
      case Kind::kLiteral:
        total += token.text.size();
        break;
      case Kind::kIter:
      case Kind::kSeq:
      case Kind::kWorker:
        total += kMaxDecimal;
        break;
      case Kind::kPhase:
        total += phase_length;
        break;
      case Kind::kRand:
      case Kind::kHash:
        total += token.width;
        break;
      case Kind::kUuid:
        total += 36;
        break;
      case Kind::kLast:
        total += last_length;
        break;
    }
  }
  return total;
}

void KeyTemplate::expand(std::string& out, const KeyContext& ctx, Rng& rng) const {
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::size_t start = out.size();
  // The hash is filled in last, over the rest of the key; remember where it goes.
  std::size_t hash_at = 0;
  unsigned hash_width = 0;
  for (const auto& token : tokens_) {
    switch (token.kind) {
      case Kind::kLiteral:
        out += token.text;
        break;
      case Kind::kIter:
        append_decimal(out, ctx.iter);
        break;
      case Kind::kSeq:
        append_decimal(out, ctx.seq);
        break;
      case Kind::kWorker:
        append_decimal(out, ctx.worker);
        break;
      case Kind::kPhase:
        out += ctx.phase;
        break;
      case Kind::kLast:
        out += ctx.last;
        break;
      case Kind::kRand:
        for (unsigned n = 0; n < token.width; ++n) out += kAlnum[rng.below(sizeof kAlnum - 1)];
        break;
      case Kind::kUuid: {
        std::uint64_t hi = rng.next();
        std::uint64_t lo = rng.next();
        hi = (hi & ~0xf000ull) | 0x4000ull;              // version 4
        lo = (lo & ~(0xc0ull << 56)) | (0x80ull << 56);  // RFC 4122 variant
        char buf[36];
        int pos = 0;
        for (int nibble = 0; nibble < 32; ++nibble) {
          if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) buf[pos++] = '-';
          const std::uint64_t word = nibble < 16 ? hi : lo;
          buf[pos++] = hex::kLowerDigits[(word >> (60 - 4 * (nibble % 16))) & 0xf];
        }
        out.append(buf, sizeof buf);
        break;
      }
      case Kind::kHash:
        hash_at = out.size();
        hash_width = token.width;
        break;
    }
  }
  if (!has_hash_) return;
  const std::uint64_t h = text_hash(std::string_view(out).substr(start));
  char buf[kMaxHash];
  for (unsigned d = 0; d < hash_width; ++d) buf[d] = hex::kLowerDigits[(h >> (60 - 4 * d)) & 0xf];
  out.insert(hash_at, buf, hash_width);
}

std::string KeyTemplate::expand(const KeyContext& ctx, Rng& rng) const {
  std::string out;
  expand(out, ctx, rng);
  return out;
}

}  // namespace s3storm::scenario
