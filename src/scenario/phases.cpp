// Reading phases and their steps: the part of the file that drives the load.

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "scenario/sections.hpp"
#include "scenario/units.hpp"

namespace s3storm::scenario::detail {

namespace {

constexpr std::uint64_t kMiB = 1ull << 20;
constexpr std::uint64_t kGiB = 1ull << 30;
constexpr std::uint64_t kTiB = 1ull << 40;
constexpr std::uint64_t kMaxSinglePut = 5 * kGiB;
constexpr std::uint64_t kMaxObject = 5 * kTiB;
constexpr std::uint64_t kMinPart = 5 * kMiB;
constexpr std::uint64_t kMaxPart = 5 * kGiB;
constexpr std::uint64_t kMaxParts = 10000;
constexpr std::size_t kMaxKeyBytes = 1024;
constexpr std::size_t kAssumedLastBytes = 0;  // `last` adds a key that was itself checked

struct OpInfo {
  std::string_view name;
  OpKind kind;
  std::initializer_list<std::string_view> keys;
};

const OpInfo kOps[] = {
    {"put",
     OpKind::kPut,
     {"bucket", "key", "size", "content_type", "metadata", "storage_class", "content", "checksum"}},
    {"copy", OpKind::kCopy, {"bucket", "key", "from", "from_bucket", "metadata", "storage_class"}},
    {"delete", OpKind::kDelete, {"bucket", "key"}},
    {"post", OpKind::kPost, {"bucket", "key", "size", "content_type", "metadata", "content"}},
    {"multipart",
     OpKind::kMultipart,
     {"bucket", "key", "size", "part_size", "parallel_parts", "abort", "content_type", "metadata",
      "storage_class", "checksum", "content"}},
    {"get", OpKind::kGet, {"bucket", "key", "verify", "range", "content"}},
    {"head", OpKind::kHead, {"bucket", "key"}},
    {"list", OpKind::kList, {"bucket", "prefix", "max_keys", "pages"}},
    {"delete_objects", OpKind::kDeleteObjects, {"bucket", "batch"}},
};

const std::initializer_list<std::string_view> kOpNames = {
    "put", "copy", "delete", "post", "multipart", "get", "head", "list", "delete_objects"};

const OpInfo* find_op(const std::string& name) {
  for (const auto& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

class PhaseReader {
 public:
  PhaseReader(Reader& r, std::string default_bucket, std::size_t endpoint_count)
      : r_(r), default_bucket_(std::move(default_bucket)), endpoint_count_(endpoint_count) {}

  void read(const YAML::Node& node, std::vector<Phase>& out);

 private:
  std::optional<Phase> read_phase(const YAML::Node& node, std::size_t index);
  void read_stop_and_pace(const YAML::Node& node, Phase& phase);
  void read_ramp(const YAML::Node& node, Phase& phase);
  std::optional<Step> read_step(const YAML::Node& item, const Phase& phase, std::string_view where,
                                bool allow_weight, double* weight, YAML::Node* body_out);
  bool read_op_body(const OpInfo& op, const YAML::Node& body, const Phase& phase, Step& step);
  std::optional<KeyRef> read_key(const YAML::Node& node, std::string_view what, const Phase& phase,
                                 bool allow_last);
  std::optional<SizeSpec> read_size_spec(const YAML::Node& node);
  void read_content(const YAML::Node& node, Step& step);
  void read_range(const YAML::Node& node, Step& step);
  void check_size_limits(const YAML::Node& at, const Step& step);
  // Reports a `with:` that does not name a phase of the group just before `phase`.
  void check_with(const YAML::Node& phases, std::size_t index, const Phase& phase,
                  const std::vector<std::string>& group);
  // Reports a use of `last` when nothing earlier in the flow wrote a key.
  void check_last(const YAML::Node& body, const Step& step, const Phase& phase, bool written);

  // Resolves a step's bucket (or from_bucket) as a template against the phase: the name with
  // {phase} replaced, and the spread when it has {hash:N}; a problem is reported at `at`.
  void resolve_bucket(const YAML::Node& at, const Phase& phase, std::string& bucket,
                      BucketSpread& spread);

  Reader& r_;
  std::string default_bucket_;
  std::size_t endpoint_count_;  // target.endpoints', for a search's endpoint[N] until
  std::optional<YAML::Node>
      phase_bucket_;  // the phase's `bucket`, where a problem of its template is shown
};

void PhaseReader::resolve_bucket(const YAML::Node& at, const Phase& phase, std::string& bucket,
                                 BucketSpread& spread) {
  if (!is_bucket_template(bucket)) return;
  try {
    spread = compile_bucket_template(bucket, phase.name);
    bucket = spread.text();
    if (!spread.active()) spread = {};
  } catch (const std::invalid_argument& e) {
    r_.error(at, e.what());
  }
}

void PhaseReader::read(const YAML::Node& node, std::vector<Phase>& out) {
  if (!node.IsSequence() || node.size() == 0) {
    r_.error(node, "'phases' must be a non-empty list of phases");
    return;
  }
  std::vector<std::string> group;  // names of the phases that start together so far
  bool group_searches = false;     // the group is a capacity search, which runs alone
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto phase = read_phase(node[i], i);
    if (!phase) continue;
    if (phase->with.empty()) {
      group.clear();
      group_searches = false;
    }
    check_with(node, i, *phase, group);
    if (!phase->with.empty() && (phase->search || group_searches)) {
      r_.error(node[i]["with"], "phase '" + phase->name +
                                    "': a capacity search runs alone; it cannot start with "
                                    "another phase, nor another phase with it");
    }
    group_searches = group_searches || phase->search.has_value();
    group.push_back(phase->name);
    const bool duplicate =
        std::any_of(out.begin(), out.end(), [&](const Phase& p) { return p.name == phase->name; });
    if (duplicate) {
      r_.error(node[i]["name"], "phase name '" + phase->name +
                                    "' is used twice; names must be "
                                    "unique (--set and thresholds address phases by name)");
      continue;
    }
    out.push_back(std::move(*phase));
  }
}

void PhaseReader::check_with(const YAML::Node& phases, std::size_t index, const Phase& phase,
                             const std::vector<std::string>& group) {
  if (phase.with.empty()) return;
  const YAML::Node at = phases[index]["with"];
  const std::string what = "phase '" + phase.name + "': with: '" + phase.with + "'";
  if (phase.with == phase.name) {
    r_.error(at, what + " names the phase itself; name the phase it starts together with");
    return;
  }
  if (std::find(group.begin(), group.end(), phase.with) != group.end()) return;
  std::vector<std::string> earlier;
  std::vector<std::string> all;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const YAML::Node name = phases[i].IsMap() ? phases[i]["name"] : YAML::Node();
    if (!name || !name.IsScalar()) continue;
    all.push_back(name.Scalar());
    if (i < index) earlier.push_back(name.Scalar());
  }
  if (std::find(earlier.begin(), earlier.end(), phase.with) != earlier.end()) {
    r_.error(at, what + " has ended before this phase starts; phases that run together are " +
                     "listed one after the other, each after the one it names");
  } else if (std::find(all.begin(), all.end(), phase.with) != all.end()) {
    r_.error(at,
             what + " names a later phase; list '" + phase.name + "' after '" + phase.with + "'");
  } else if (auto hint = closest_match(phase.with, all)) {
    r_.error(at, what + " names no phase; did you mean '" + *hint + "'?");
  } else {
    r_.error(at, what + " names no phase");
  }
}

std::optional<Phase> PhaseReader::read_phase(const YAML::Node& node, std::size_t index) {
  if (!r_.check_map(node, "phase",
                    {"name", "flow", "mix", "iterations", "duration", "concurrency", "rate", "ramp",
                     "think", "bucket", "with", "search"})) {
    return std::nullopt;
  }
  Phase phase;
  phase.name = "phase" + std::to_string(index + 1);
  if (r_.require(node, "name", "phase")) {
    if (auto name = r_.scalar(node["name"], "name")) {
      const bool ok = !name->empty() && std::all_of(name->begin(), name->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
      });
      if (!ok) {
        r_.error(node["name"], "phase name '" + *name +
                                   "' may use only letters, digits, '-' and '_' (it is used in "
                                   "--set paths and threshold metrics)");
      } else {
        phase.name = *name;
      }
    }
  }
  phase_bucket_.reset();
  if (const YAML::Node bucket = node["bucket"]) {
    phase_bucket_ = bucket;
    if (auto v = r_.scalar(bucket, "bucket")) {
      check_bucket_name(r_, bucket, *v);
      phase.bucket = *v;
    }
  }
  if (const YAML::Node with = node["with"]) {
    if (auto v = r_.scalar(with, "with")) phase.with = *v;  // checked by check_with
  }
  read_stop_and_pace(node, phase);

  const YAML::Node flow = node["flow"];
  const YAML::Node mix = node["mix"];
  if (flow && mix) {
    r_.error(mix, "phase '" + phase.name +
                      "' has both 'flow' and 'mix'; a phase runs either a flow (steps in order "
                      "each iteration) or a mix (one weighted step per iteration)");
    // Still read the flow, so its own problems are reported in the same run.
  }
  if (!flow && !mix) {
    r_.error(node, "phase '" + phase.name +
                       "' needs 'flow' (steps in order) or 'mix' (one "
                       "weighted step per iteration)");
    return phase;
  }
  const YAML::Node steps = flow ? flow : mix;
  const std::string where = flow ? "flow" : "mix";
  const bool conflict = flow && mix;
  if (!steps.IsSequence() || steps.size() == 0) {
    r_.error(steps, "'" + where + "' must be a non-empty list of steps");
    return phase;
  }
  phase.is_mix = !flow;
  double weight_sum = 0;
  bool written = false;  // whether an earlier step of the flow writes a key `last` can name
  for (const auto& item : steps) {
    double weight = 1;
    YAML::Node body;
    auto step = read_step(item, phase, where, phase.is_mix, &weight, &body);
    if (!step) {
      written = true;  // a broken step was probably meant to write: report only its own errors
      continue;
    }
    if (!phase.is_mix) {
      check_last(body, *step, phase, written);
      written = written || step->writes_key();
    }
    if (phase.is_mix) {
      weight_sum += weight;
      phase.mix.push_back({weight, std::move(*step)});
    } else {
      phase.flow.push_back(std::move(*step));
    }
  }
  if (phase.is_mix) {
    if (phase.mix.size() == steps.size() && weight_sum <= 0) {
      r_.error(mix, "the weights of phase '" + phase.name +
                        "' sum to zero; give at least one step a positive weight");
    }
    const bool uses_last = std::any_of(phase.mix.begin(), phase.mix.end(), [](const auto& w) {
      return w.step.key.last || w.step.from.last || w.step.key.key.uses(KeyTemplate::Kind::kLast);
    });
    const bool writes = std::any_of(phase.mix.begin(), phase.mix.end(),
                                    [](const auto& w) { return w.step.writes_key(); });
    if (uses_last && !writes) {
      r_.error(mix, "phase '" + phase.name +
                        "' uses 'last', but no step of its mix writes a key (put, copy, post or "
                        "a completed multipart)");
    }
  }
  if (conflict) return std::nullopt;
  return phase;
}

void PhaseReader::read_stop_and_pace(const YAML::Node& node, Phase& phase) {
  if (const YAML::Node search = node["search"]) {
    check_search_alone(r_, node, phase);
    read_search(r_, search, endpoint_count_, phase);
    r_.read_int(node, "concurrency", 1, 1'000'000, phase.concurrency);
    r_.read_duration(node, "think", true, phase.think);
    return;
  }
  if (const YAML::Node n = node["iterations"]) {
    if (auto v = r_.to_int(n, "iterations", 1, INT64_MAX)) {
      phase.iterations = static_cast<std::uint64_t>(*v);
    }
  }
  if (const YAML::Node n = node["duration"]) {
    if (auto v = r_.to_duration(n, "duration", false)) phase.duration = *v;
  }
  if (!node["iterations"] && !node["duration"]) {
    r_.error(node, "phase '" + phase.name +
                       "' needs a stop: 'iterations', 'duration', or both (whichever comes first)");
  }
  r_.read_int(node, "concurrency", 1, 1'000'000, phase.concurrency);
  if (const YAML::Node n = node["rate"]) {
    if (auto v = r_.to_rate(n, "rate")) phase.rate_per_second = *v;
  }
  r_.read_duration(node, "think", true, phase.think);
  if (const YAML::Node n = node["ramp"]) read_ramp(n, phase);
}

void PhaseReader::read_ramp(const YAML::Node& node, Phase& phase) {
  if (node.IsMap()) {
    // The short form: from start to target over one span.
    if (!r_.check_map(node, "ramp", {"start", "target", "over"})) return;
    if (!r_.require(node, "target", "ramp") || !r_.require(node, "over", "ramp")) return;
    if (const YAML::Node start = node["start"]) {
      if (phase.rate_per_second) {
        r_.error(start, "ramp 'start' and the phase's 'rate' both set the starting rate; keep one");
      }
      if (auto v = r_.to_rate(start, "start")) phase.rate_per_second = *v;
    }
    auto to = r_.to_rate(node["target"], "target");
    auto over = r_.to_duration(node["over"], "over", false);
    if (to && over) phase.ramp.push_back({*to, *over});
    return;
  }
  if (!node.IsSequence() || node.size() == 0) {
    r_.error(node, "'ramp' must be {start, target, over} or a non-empty list of {to, over}");
    return;
  }
  for (const auto& stage : node) {
    if (!r_.check_map(stage, "ramp stage", {"to", "over"})) continue;
    if (!r_.require(stage, "to", "ramp stage") || !r_.require(stage, "over", "ramp stage"))
      continue;
    auto to = r_.to_rate(stage["to"], "to");
    auto over = r_.to_duration(stage["over"], "over", false);
    if (to && over) phase.ramp.push_back({*to, *over});
  }
}

std::optional<Step> PhaseReader::read_step(const YAML::Node& item, const Phase& phase,
                                           std::string_view where, bool allow_weight,
                                           double* weight, YAML::Node* body_out) {
  if (!item.IsMap()) {
    r_.error(item, "a step in '" + std::string(where) +
                       "' must be a map like '- put: {key: ..., size: ...}'");
    return std::nullopt;
  }
  const OpInfo* op = nullptr;
  YAML::Node body;
  bool ok = true;
  for (auto it = item.begin(); it != item.end(); ++it) {
    const std::string name = it->first.IsScalar() ? it->first.Scalar() : "";
    if (allow_weight && name == "weight") {
      if (auto w = r_.to_number(it->second, "weight")) {
        if (*w < 0) {
          r_.error(it->second, "'weight' must not be negative");
          ok = false;
        }
        *weight = *w;
      } else {
        ok = false;
      }
      continue;
    }
    const OpInfo* found = find_op(name);
    if (!found) {
      std::string message = "unknown step '" + name + "'; allowed: " + join_quoted(kOpNames);
      if (allow_weight) message += " and 'weight'";
      if (auto hint = closest_match(name, kOpNames)) {
        message = "unknown step '" + name + "'; did you mean '" + *hint + "'?";
      }
      r_.error(it->first, std::move(message));
      ok = false;
      continue;
    }
    if (op) {
      r_.error(it->first, "one step per list item: '" + std::string(op->name) + "' and '" + name +
                              "' are both here; start a new item with '-'");
      ok = false;
      continue;
    }
    op = found;
    body.reset(it->second);
  }
  if (!op) {
    if (ok) r_.error(item, "this step names no operation; use one of " + join_quoted(kOpNames));
    return std::nullopt;
  }
  Step step;
  step.op = op->kind;
  body_out->reset(body);
  if (!read_op_body(*op, body, phase, step) || !ok) return std::nullopt;
  return step;
}

bool PhaseReader::read_op_body(const OpInfo& op, const YAML::Node& body, const Phase& phase,
                               Step& step) {
  const std::string where = std::string(op.name) + " step";
  const bool body_optional = op.kind == OpKind::kList || op.kind == OpKind::kDeleteObjects;
  if (body.IsNull() && body_optional) {
    step.bucket = phase.bucket.empty() ? default_bucket_ : phase.bucket;
  } else if (!r_.check_map(body, where, op.keys)) {
    return false;
  }
  const std::size_t errors_before = r_.diagnostics().size();
  const bool is_map = body.IsMap();
  step.bucket = !phase.bucket.empty() ? phase.bucket : default_bucket_;
  if (is_map) {
    if (const YAML::Node b = body["bucket"]) {
      if (auto v = r_.scalar(b, "bucket")) {
        check_bucket_name(r_, b, *v);
        step.bucket = *v;
      }
    }
  }
  if (step.bucket.empty()) {
    r_.error(body, where +
                       " has no bucket: set 'bucket' on the step, on the phase, or "
                       "target.bucket");
  }
  const YAML::Node bucket_at = is_map && body["bucket"] ? body["bucket"]
                               : phase_bucket_          ? *phase_bucket_
                                                        : body;
  resolve_bucket(bucket_at, phase, step.bucket, step.bucket_spread);
  if (step.bucket_spread.active() &&
      (op.kind == OpKind::kList || op.kind == OpKind::kDeleteObjects)) {
    // Neither has a key to pick one of the buckets by.
    r_.error(bucket_at, where + " cannot spread over buckets ('" + step.bucket +
                            "'): it has no object key to choose one by; give it one bucket");
  }
  if (op.kind == OpKind::kList) {
    if (is_map && body["prefix"]) {
      if (auto k = read_key(body["prefix"], "prefix", phase, false)) step.key = std::move(*k);
    }
    if (is_map) r_.read_int(body, "max_keys", 1, 1000, step.max_keys);
    if (is_map) r_.read_int(body, "pages", 1, 1'000'000, step.pages);
    return r_.diagnostics().size() == errors_before;
  }
  if (op.kind == OpKind::kDeleteObjects) {
    if (is_map) r_.read_int(body, "batch", 1, 1000, step.batch);
    return r_.diagnostics().size() == errors_before;
  }
  if (r_.require(body, "key", where)) {
    if (auto k = read_key(body["key"], "key", phase, true)) step.key = std::move(*k);
  }
  const bool sized =
      op.kind == OpKind::kPut || op.kind == OpKind::kPost || op.kind == OpKind::kMultipart;
  if (sized && r_.require(body, "size", where)) {
    if (auto s = read_size_spec(body["size"])) step.size = std::move(*s);
  }
  if (op.kind == OpKind::kCopy) {
    if (r_.require(body, "from", where)) {
      if (auto k = read_key(body["from"], "from", phase, true)) step.from = std::move(*k);
    }
    step.from_bucket = step.bucket;
    step.from_bucket_spread = step.bucket_spread;
    if (const YAML::Node b = body["from_bucket"]) {
      if (auto v = r_.scalar(b, "from_bucket")) {
        check_bucket_name(r_, b, *v);
        step.from_bucket = *v;
        step.from_bucket_spread = {};
        resolve_bucket(b, phase, step.from_bucket, step.from_bucket_spread);
      }
    }
  }
  r_.read_string(body, "content_type", step.content_type);
  r_.read_string(body, "storage_class", step.storage_class);
  if (const YAML::Node meta = body["metadata"]) {
    if (!meta.IsMap()) {
      r_.error(meta, "'metadata' must be a map of name: value");
    } else {
      for (auto it = meta.begin(); it != meta.end(); ++it) {
        auto name = r_.scalar(it->first, "metadata name");
        auto value = r_.scalar(it->second, "metadata value");
        if (!name || !value) continue;
        const bool ok = !name->empty() && std::all_of(name->begin(), name->end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        });
        if (!ok) {
          r_.error(it->first, "metadata name '" + *name +
                                  "' may use only lowercase letters, digits, '-' and '_'");
          continue;
        }
        step.metadata[*name] = *value;
      }
    }
  }
  if (const YAML::Node n = body["checksum"]) {
    if (auto v =
            r_.to_enum(n, "checksum", {"none", "crc32", "crc32c", "crc64nvme", "sha1", "sha256"})) {
      for (const auto algorithm : kChecksumAlgorithms) {
        if (*v == checksum_lowercase_name(algorithm)) step.checksum = algorithm;
      }
    }
  }
  if (const YAML::Node content = body["content"]) read_content(content, step);
  if (op.kind == OpKind::kGet) {
    r_.read_bool(body, "verify", step.verify);
    if (const YAML::Node range = body["range"]) read_range(range, step);
  }
  if (op.kind == OpKind::kMultipart) {
    r_.read_size(body, "part_size", 1, step.part_size);
    r_.read_int(body, "parallel_parts", 1, 64, step.parallel_parts);
    r_.read_bool(body, "abort", step.abort);
  }
  if (r_.diagnostics().size() == errors_before) check_size_limits(body, step);
  return r_.diagnostics().size() == errors_before;
}

std::optional<KeyRef> PhaseReader::read_key(const YAML::Node& node, std::string_view what,
                                            const Phase& phase, bool allow_last) {
  auto text = r_.scalar(node, what);
  if (!text) return std::nullopt;
  KeyRef ref;
  if (*text == "last" && allow_last) {
    ref.last = true;
    return ref;
  }
  try {
    ref.key = KeyTemplate::compile(*text);
  } catch (const std::invalid_argument& e) {
    r_.error(node, e.what());
    return std::nullopt;
  }
  if (what != "prefix" && ref.key.empty()) {
    r_.error(node, "'" + std::string(what) + "' must not be empty");
    return std::nullopt;
  }
  if (ref.key.max_length(phase.name.size(), kAssumedLastBytes) > kMaxKeyBytes) {
    r_.error(node, "'" + std::string(what) +
                       "' can expand to more than 1024 bytes, S3's key "
                       "length limit");
    return std::nullopt;
  }
  return ref;
}

std::optional<SizeSpec> PhaseReader::read_size_spec(const YAML::Node& node) {
  if (node.IsScalar()) {
    auto size = r_.to_size(node, "size");
    if (!size) return std::nullopt;
    return SizeSpec::fixed(*size);
  }
  if (!node.IsMap() || node.size() != 1) {
    r_.error(node,
             "'size' must be a size (29, 4KiB, 6MiB) or one of {uniform: {min, max}}, "
             "{lognormal: {median, max}}, {choice: [{size, weight}, ...]}");
    return std::nullopt;
  }
  if (!r_.check_map(node, "size", {"uniform", "lognormal", "choice"})) return std::nullopt;
  const auto first = node.begin();
  const std::string kind = first->first.IsScalar() ? first->first.Scalar() : "";
  const YAML::Node spec = first->second;
  if (kind != "uniform" && kind != "lognormal" && kind != "choice") return std::nullopt;
  if (kind == "uniform") {
    if (!r_.check_map(spec, "uniform", {"min", "max"})) return std::nullopt;
    if (!r_.require(spec, "min", "uniform") || !r_.require(spec, "max", "uniform")) return {};
    auto lo = r_.to_size(spec["min"], "min");
    auto hi = r_.to_size(spec["max"], "max");
    if (!lo || !hi) return std::nullopt;
    if (*lo > *hi) {
      r_.error(spec["max"], "uniform 'max' (" + format_size(*hi) + ") is below 'min' (" +
                                format_size(*lo) + ")");
      return std::nullopt;
    }
    return SizeSpec::uniform(*lo, *hi);
  }
  if (kind == "lognormal") {
    if (!r_.check_map(spec, "lognormal", {"median", "max"})) return std::nullopt;
    if (!r_.require(spec, "median", "lognormal") || !r_.require(spec, "max", "lognormal")) {
      return std::nullopt;
    }
    auto median = r_.to_size(spec["median"], "median");
    auto hi = r_.to_size(spec["max"], "max");
    if (!median || !hi) return std::nullopt;
    if (*median == 0) {
      r_.error(spec["median"], "lognormal 'median' must be positive");
      return std::nullopt;
    }
    if (*hi < *median) {
      r_.error(spec["max"], "lognormal 'max' (" + format_size(*hi) + ") is below 'median' (" +
                                format_size(*median) + ")");
      return std::nullopt;
    }
    return SizeSpec::lognormal(*median, *hi);
  }
  // choice
  if (!spec.IsSequence() || spec.size() == 0) {
    r_.error(spec, "'choice' must be a non-empty list of {size, weight}");
    return std::nullopt;
  }
  std::vector<SizeSpec::Choice> choices;
  double sum = 0;
  bool ok = true;
  for (const auto& c : spec) {
    if (!r_.check_map(c, "choice", {"size", "weight"}) || !r_.require(c, "size", "choice")) {
      ok = false;
      continue;
    }
    SizeSpec::Choice choice{0, 1};
    if (auto s = r_.to_size(c["size"], "size")) {
      choice.size = *s;
    } else {
      ok = false;
    }
    if (const YAML::Node w = c["weight"]) {
      if (auto v = r_.to_number(w, "weight"); v && *v >= 0) {
        choice.weight = *v;
      } else {
        if (v) r_.error(w, "'weight' must not be negative");
        ok = false;
      }
    }
    sum += choice.weight;
    choices.push_back(choice);
  }
  if (!ok) return std::nullopt;
  if (sum <= 0) {
    r_.error(spec, "the weights of 'choice' sum to zero; give at least one size a positive weight");
    return std::nullopt;
  }
  return SizeSpec::choice(std::move(choices));
}

void PhaseReader::read_content(const YAML::Node& node, Step& step) {
  if (auto mode = read_content_mode(r_, node)) {
    step.content = *mode;
    step.content_given = true;
  }
}

void PhaseReader::read_range(const YAML::Node& node, Step& step) {
  auto text = r_.scalar(node, "range");
  if (!text) return;
  constexpr std::string_view kRandom = "random:";
  const auto bad = [&] {
    r_.error(node,
             "'range' must be FIRST-LAST or FIRST- (bytes, inclusive: \"0-1023\") or "
             "random:SIZE (\"random:4KiB\"), got '" +
                 *text + "'");
  };
  if (text->starts_with(kRandom)) {
    try {
      step.range.window = parse_size(std::string_view(*text).substr(kRandom.size()));
    } catch (const std::invalid_argument&) {
      return bad();
    }
    if (step.range.window == 0) return bad();
    step.range.kind = ReadRange::Kind::kRandom;
    return;
  }
  const auto dash = text->find('-');
  const auto number = [](std::string_view digits, std::uint64_t& out) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return !digits.empty() && ec == std::errc{} && end == digits.data() + digits.size();
  };
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  if (dash == std::string::npos || !number(std::string_view(*text).substr(0, dash), first)) {
    return bad();
  }
  const std::string_view rest = std::string_view(*text).substr(dash + 1);
  if (!rest.empty()) {
    if (!number(rest, last)) return bad();
    if (last < first) {
      r_.error(node, "'range' " + *text + " ends before it starts");
      return;
    }
    step.range.last = last;
  }
  step.range.kind = ReadRange::Kind::kFixed;
  step.range.first = first;
}

void PhaseReader::check_size_limits(const YAML::Node& at, const Step& step) {
  const YAML::Node size = at["size"];
  const std::uint64_t max = step.size.max();
  if (step.op == OpKind::kPut || step.op == OpKind::kPost) {
    if (max > kMaxSinglePut) {
      r_.error(size, "size can reach " + format_size(max) +
                         ", over S3's 5 GiB limit for a single " +
                         (step.op == OpKind::kPut ? "PUT" : "POST") + "; use a multipart step");
    }
    return;
  }
  if (step.op != OpKind::kMultipart) return;
  if (max > kMaxObject) {
    r_.error(size, "size can reach " + format_size(max) + ", over S3's 5 TiB object limit");
    return;
  }
  if (step.part_size < kMinPart || step.part_size > kMaxPart) {
    r_.error(
        at["part_size"] ? at["part_size"] : at,
        "part_size " + format_size(step.part_size) +
            " is outside S3's part limits: 5 MiB to 5 GiB (only the last part may be smaller)");
    return;
  }
  const std::uint64_t parts = max == 0 ? 1 : (max + step.part_size - 1) / step.part_size;
  if (parts > kMaxParts) {
    r_.error(size, "size " + format_size(max) + " in parts of " + format_size(step.part_size) +
                       " needs " + std::to_string(parts) +
                       " parts, over S3's limit of 10000; raise part_size");
  }
}

void PhaseReader::check_last(const YAML::Node& body, const Step& step, const Phase& phase,
                             bool written) {
  if (written) return;
  const auto report = [&](const char* field) {
    r_.error(body[field], std::string("'last' in '") + field +
                              "' refers to the key written by an earlier step of this flow, but no "
                              "step before it in phase '" +
                              phase.name + "' writes a key");
  };
  if (step.from.last) report("from");
  if (step.key.last || step.key.key.uses(KeyTemplate::Kind::kLast)) report("key");
}

}  // namespace

std::optional<Content> read_content_mode(Reader& r, const YAML::Node& node) {
  auto text = r.scalar(node, "content");
  if (!text) return std::nullopt;
  if (*text == "repeat") return Content::kRepeat;
  if (*text == "random") return Content::kRandom;
  r.error(node,
          "'content' must be 'repeat' (every body a prefix of one shared buffer) or "
          "'random' (each object its own bytes), got '" +
              *text + "'");
  return std::nullopt;
}

void apply_default_content(std::vector<Phase>& phases, Content content) {
  const auto apply = [content](Step& step) {
    if (!step.content_given) step.content = content;
  };
  for (auto& phase : phases) {
    for (auto& step : phase.flow) apply(step);
    for (auto& weighted : phase.mix) apply(weighted.step);
  }
}

void read_phases(Reader& r, const YAML::Node& node, const std::string& default_bucket,
                 std::size_t endpoint_count, std::vector<Phase>& out) {
  PhaseReader(r, default_bucket, endpoint_count).read(node, out);
}

}  // namespace s3storm::scenario::detail
