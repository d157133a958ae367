#include "report/json_reader.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "report/json_writer.hpp"
#include "stats/size_class.hpp"
#include "util/iso_time.hpp"
#include "util/usage_error.hpp"

namespace s3storm::report {

using nlohmann::json;

namespace {

// Walks the document keeping the JSON path of where it is, so every error names its place.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw UsageError(origin_ + ": " + (where.empty() ? "" : where + ": ") + what);
  }

  const json& member(const json& object, const std::string& where, const char* key) const {
    if (!object.is_object()) fail(where, "expected an object");
    const auto it = object.find(key);
    if (it == object.end()) fail(where, std::string("missing \"") + key + "\"");
    return *it;
  }

  static std::string child(const std::string& where, std::string_view key) {
    return where.empty() ? std::string(key) : where + "." + std::string(key);
  }
  static std::string item(const std::string& where, std::size_t i) {
    return where + "[" + std::to_string(i) + "]";
  }

  std::uint64_t u64(const json& v, const std::string& where) const {
    if (!v.is_number_unsigned()) fail(where, "expected an unsigned integer");
    return v.get<std::uint64_t>();
  }
  std::uint64_t u64(const json& object, const std::string& where, const char* key) const {
    return u64(member(object, where, key), child(where, key));
  }
  std::int64_t i64(const json& object, const std::string& where, const char* key) const {
    const json& v = member(object, where, key);
    if (!v.is_number_integer()) fail(child(where, key), "expected an integer");
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(child(where, key), "integer out of range");
    }
    return v.get<std::int64_t>();
  }
  double number(const json& object, const std::string& where, const char* key) const {
    const json& v = member(object, where, key);
    if (!v.is_number()) fail(child(where, key), "expected a number");
    return v.get<double>();
  }
  std::string string(const json& object, const std::string& where, const char* key) const {
    const json& v = member(object, where, key);
    if (!v.is_string()) fail(child(where, key), "expected a string");
    return v.get<std::string>();
  }
  bool boolean(const json& object, const std::string& where, const char* key) const {
    const json& v = member(object, where, key);
    if (!v.is_boolean()) fail(child(where, key), "expected true or false");
    return v.get<bool>();
  }
  const json& array(const json& object, const std::string& where, const char* key) const {
    const json& v = member(object, where, key);
    if (!v.is_array()) fail(child(where, key), "expected an array");
    return v;
  }
  const json& object(const json& parent, const std::string& where, const char* key) const {
    const json& v = member(parent, where, key);
    if (!v.is_object()) fail(child(where, key), "expected an object");
    return v;
  }

  int status_key(const std::string& key, const std::string& where) const {
    int status = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), status);
    if (ec != std::errc{} || end != key.data() + key.size() || status < 0 || status > 999) {
      fail(where, "\"" + key + "\" is not an HTTP status");
    }
    return status;
  }

  std::map<int, std::uint64_t> counts_by_status(const json& parent, const std::string& where,
                                                const char* key) const {
    const json& j = object(parent, where, key);
    std::map<int, std::uint64_t> counts;
    for (const auto& [status, n] : j.items()) {
      const auto here = child(child(where, key), status);
      counts[status_key(status, here)] = u64(n, here);
    }
    return counts;
  }

  stats::Histogram histogram(const json& j, const std::string& where) const {
    if (!j.is_object()) fail(where, "expected an object");
    if (string(j, where, "unit") != "us") fail(child(where, "unit"), "expected \"us\"");
    if (u64(j, where, "sub_bucket_bits") != stats::Histogram::kSubBucketBits ||
        u64(j, where, "max_trackable") != stats::Histogram::kMaxTrackable) {
      fail(where, "histogram geometry differs from this build's (sub_bucket_bits " +
                      std::to_string(stats::Histogram::kSubBucketBits) + ")");
    }
    stats::Histogram::Data data;
    data.min = u64(j, where, "min");
    data.max = u64(j, where, "max");
    data.sum = u64(j, where, "sum");
    data.overflow = u64(j, where, "overflow");
    const auto counts_where = child(where, "counts");
    const json& counts = array(j, where, "counts");
    std::uint64_t total = data.overflow;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const json& pair = counts[i];
      if (!pair.is_array() || pair.size() != 2)
        fail(item(counts_where, i), "expected [index, count]");
      const auto index = u64(pair[0], item(counts_where, i));
      if (index >= stats::Histogram::kBucketCount) {
        fail(item(counts_where, i), "bucket index " + std::to_string(index) + " is out of range");
      }
      data.counts.emplace_back(static_cast<std::uint32_t>(index),
                               u64(pair[1], item(counts_where, i)));
      total += data.counts.back().second;
    }
    if (total != u64(j, where, "count")) fail(where, "\"count\" is not the sum of the buckets");
    try {
      return stats::Histogram::from_data(data);
    } catch (const std::invalid_argument& e) {
      fail(where, e.what());
    }
  }

  // Each second's CoarseHistogram; its values cannot outnumber the second's operations.
  void latency_buckets(const json& j, const std::string& where,
                       std::vector<stats::TimeSeries::Second>& seconds) const {
    if (u64(j, where, "latency_sub_bucket_bits") != stats::CoarseHistogram::kSubBucketBits) {
      fail(child(where, "latency_sub_bucket_bits"),
           "latency bucket geometry differs from this build's (" +
               std::to_string(stats::CoarseHistogram::kSubBucketBits) + ")");
    }
    const auto column_where = child(where, "latency_buckets");
    const json& column = array(j, where, "latency_buckets");
    if (column.size() != seconds.size()) fail(column_where, "length differs from \"count\"");
    for (std::size_t i = 0; i < column.size(); ++i) {
      const auto second_where = item(column_where, i);
      if (!column[i].is_array()) fail(second_where, "expected an array of [index, count]");
      for (std::size_t k = 0; k < column[i].size(); ++k) {
        const json& pair = column[i][k];
        const auto pair_where = item(second_where, k);
        if (!pair.is_array() || pair.size() != 2) fail(pair_where, "expected [index, count]");
        const auto index = u64(pair[0], pair_where);
        if (index >= stats::CoarseHistogram::kBucketCount) {
          fail(pair_where, "bucket index " + std::to_string(index) + " is out of range");
        }
        seconds[i].latency.add(static_cast<std::size_t>(index), u64(pair[1], pair_where));
      }
      if (seconds[i].latency.count() > seconds[i].count) {
        fail(second_where, "more latencies than operations in that second");
      }
    }
  }

  stats::TimeSeries time_series(const json& j, const std::string& where) const {
    stats::TimeSeries series;
    const auto start = i64(j, where, "start");
    using Second = stats::TimeSeries::Second;
    const std::pair<const char*, std::uint64_t Second::*> columns[] = {
        {"count", &Second::count},
        {"errors", &Second::errors},
        {"bytes", &Second::bytes},
        {"latency_max_us", &Second::latency_max_us},
        {"latency_sum_us", &Second::latency_sum_us}};
    std::vector<Second> seconds(array(j, where, "count").size());
    for (const auto& [name, field] : columns) {
      const json& column = array(j, where, name);
      if (column.size() != seconds.size())
        fail(child(where, name), "length differs from \"count\"");
      for (std::size_t i = 0; i < column.size(); ++i) {
        seconds[i].*field = u64(column[i], item(child(where, name), i));
      }
    }
    if (seconds.size() > stats::TimeSeries::kMaxSeconds) fail(where, "longer than one day");
    if (j.contains("latency_buckets"))
      latency_buckets(j, where, seconds);  // older reports have none
    for (std::size_t i = 0; i < seconds.size(); ++i) {
      series.add(start + static_cast<std::int64_t>(i), seconds[i]);
    }
    series.add_out_of_range(u64(j, where, "out_of_range"));
    return series;
  }

  stats::OpStats op(const json& j, const std::string& where) const {
    stats::OpStats op;
    op.count = u64(j, where, "count");
    op.ok = u64(j, where, "ok");
    op.errors = u64(j, where, "errors");
    op.retries = u64(j, where, "retries");
    op.bytes = u64(j, where, "bytes");
    if (op.ok + op.errors != op.count) fail(where, "\"ok\" + \"errors\" is not \"count\"");
    for (const auto& [code, n] : object(j, where, "errors_by_code").items()) {
      op.errors_by_code[code] = u64(n, child(child(where, "errors_by_code"), code));
    }
    op.errors_by_status = counts_by_status(j, where, "errors_by_status");
    op.latency = histogram(member(j, where, "histogram"), child(where, "histogram"));
    op.service =
        histogram(member(j, where, "service_histogram"), child(where, "service_histogram"));
    op.per_second = time_series(object(j, where, "per_second"), child(where, "per_second"));
    if (j.contains("ttfb_histogram")) {
      op.ttfb = histogram(member(j, where, "ttfb_histogram"), child(where, "ttfb_histogram"));
    }
    if (j.contains("latency_by_size")) {
      const auto by_where = child(where, "latency_by_size");
      for (const auto& [name, value] : object(j, where, "latency_by_size").items()) {
        const auto size_class = stats::parse_size_class(name);
        if (!size_class) fail(child(by_where, name), "unknown size class");
        const auto class_where = child(by_where, name);
        op.latency_by_size[*size_class] =
            histogram(member(value, class_where, "histogram"), child(class_where, "histogram"));
      }
    }
    return op;
  }

  stats::SearchOutcome search(const json& j, const std::string& where) const {
    stats::SearchOutcome out;
    out.from_per_s = number(j, where, "from_per_s");
    out.to_per_s = number(j, where, "to_per_s");
    out.probe_s = number(j, where, "probe_s");
    out.precision = number(j, where, "precision");
    if (!member(j, where, "max_rate_per_s").is_null()) {
      out.max_rate_per_s = number(j, where, "max_rate_per_s");
    }
    const json& probes = array(j, where, "probes");
    for (std::size_t i = 0; i < probes.size(); ++i) {
      const auto here = item(child(where, "probes"), i);
      const json& p = probes[i];
      if (!p.is_object()) fail(here, "expected an object");
      stats::SearchProbe probe;
      probe.rate_per_s = number(p, here, "rate_per_s");
      probe.held = boolean(p, here, "held");
      probe.duration_s = number(p, here, "duration_s");
      probe.settle_s = number(p, here, "settle_s");
      probe.achieved_per_s = number(p, here, "achieved_per_s");
      probe.dropped = u64(p, here, "dropped");
      const json& until = array(p, here, "until");
      for (std::size_t k = 0; k < until.size(); ++k) {
        const auto at = item(child(here, "until"), k);
        if (!until[k].is_object()) fail(at, "expected an object");
        probe.until.push_back(
            {string(until[k], at, "expr"), number(until[k], at, "measured"),
             boolean(until[k], at, "pass"),
             until[k].contains("unit") ? string(until[k], at, "unit") : std::string()});
      }
      out.probes.push_back(std::move(probe));
    }
    return out;
  }

  // An "ops" object: per operation kind, by its name.
  void ops(const json& j, const std::string& where,
           std::array<stats::OpStats, kOpKinds>& into) const {
    const auto ops_where = child(where, "ops");
    for (const auto& [name, value] : object(j, where, "ops").items()) {
      const auto kind = parse_op_kind(name);
      if (!kind) fail(child(ops_where, name), "unknown operation");
      into[static_cast<std::size_t>(*kind)] = op(value, child(ops_where, name));
    }
  }

  stats::PhaseStats phase(const json& j, const std::string& where) const {
    if (!j.is_object()) fail(where, "expected an object");
    stats::PhaseStats phase;
    phase.name = string(j, where, "name");
    if (j.contains("started_epoch_s")) {  // older reports have none
      phase.started_epoch_s = number(j, where, "started_epoch_s");
      if (!(phase.started_epoch_s > 0)) fail(child(where, "started_epoch_s"), "expected > 0");
    }
    phase.duration_s = number(j, where, "duration_s");
    if (j.contains("plan")) {  // reports from before run metadata have none
      const auto plan_where = child(where, "plan");
      const json& plan = object(j, where, "plan");
      phase.plan.concurrency = u64(plan, plan_where, "concurrency");
      if (plan.contains("rate_per_s"))
        phase.plan.rate_per_s = number(plan, plan_where, "rate_per_s");
      if (plan.contains("iterations")) phase.plan.iterations = u64(plan, plan_where, "iterations");
      if (plan.contains("duration_s"))
        phase.plan.duration_s = number(plan, plan_where, "duration_s");
    }
    phase.dropped = u64(j, where, "dropped");
    if (j.contains("uploads_left_open")) {
      phase.uploads_left_open = u64(j, where, "uploads_left_open");
      phase.open_uploads = keys(j, where, "open_uploads");
    }
    if (j.contains("search"))
      phase.search = search(object(j, where, "search"), child(where, "search"));
    ops(j, where, phase.ops);
    if (j.contains("endpoints")) {  // runs with target.endpoints only
      const auto endpoints_where = child(where, "endpoints");
      const json& list = array(j, where, "endpoints");
      for (std::size_t i = 0; i < list.size(); ++i) {
        const auto at = item(endpoints_where, i);
        stats::EndpointStats endpoint;
        endpoint.url = string(list[i], at, "url");
        endpoint.all = op(list[i], at);
        if (list[i].contains("ops")) ops(list[i], at, endpoint.ops);  // older reports have none
        phase.endpoints.push_back(std::move(endpoint));
      }
    }
    return phase;
  }

  std::vector<std::string> keys(const json& parent, const std::string& where,
                                const char* key) const {
    std::vector<std::string> out;
    const json& list = array(parent, where, key);
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) fail(item(child(where, key), i), "expected a string");
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }

  stats::EventStats events(const json& j, const std::string& where) const {
    stats::EventStats events;
    events.source = string(j, where, "source");
    const auto by_type_where = child(where, "by_type");
    for (const auto& [type, value] : object(j, where, "by_type").items()) {
      const auto here = child(by_type_where, type);
      auto& s = events.by_type[type];
      s.expected = u64(value, here, "expected");
      s.delivered = u64(value, here, "delivered");
      s.missing = u64(value, here, "missing");
      s.duplicate = u64(value, here, "duplicate");
      s.unexpected = u64(value, here, "unexpected");
      // Reports written before the early count existed lack it; they counted none.
      if (value.contains("early")) s.early = u64(value, here, "early");
      if (s.early > s.delivered) fail(child(here, "early"), "more than \"delivered\"");
      s.delivery =
          histogram(member(value, here, "delivery_histogram"), child(here, "delivery_histogram"));
      // Reports from before the content check and the latency from send lack these.
      if (value.contains("mismatched")) {
        s.mismatched = u64(value, here, "mismatched");
        if (s.mismatched > s.delivered) fail(child(here, "mismatched"), "more than \"delivered\"");
        const auto fields_where = child(here, "mismatch_by_field");
        for (const auto& [field, n] : object(value, here, "mismatch_by_field").items()) {
          s.mismatch_by_field[field] = u64(n, child(fields_where, field));
        }
      }
      if (value.contains("delivered_for_failed")) {
        s.delivered_for_failed = u64(value, here, "delivered_for_failed");
      }
      if (value.contains("out_of_order")) {
        s.out_of_order = u64(value, here, "out_of_order");
        if (s.out_of_order > s.delivered) {
          fail(child(here, "out_of_order"), "more than \"delivered\"");
        }
      }
      if (value.contains("delivery_from_send_histogram")) {
        s.delivery_from_send = histogram(member(value, here, "delivery_from_send_histogram"),
                                         child(here, "delivery_from_send_histogram"));
      }
    }
    events.missing_keys = keys(j, where, "missing_keys");
    events.unexpected_keys = keys(j, where, "unexpected_keys");
    if (j.contains("mismatched_keys")) events.mismatched_keys = keys(j, where, "mismatched_keys");
    if (j.contains("out_of_order_keys")) {
      events.out_of_order_keys = keys(j, where, "out_of_order_keys");
    }
    if (j.contains("delivered_for_failed_keys")) {
      events.delivered_for_failed_keys = keys(j, where, "delivered_for_failed_keys");
    }
    events.test_events = u64(j, where, "test_events");
    if (j.contains("foreign")) events.foreign = u64(j, where, "foreign");
    if (j.contains("reconnects")) events.reconnects = u64(j, where, "reconnects");
    if (j.contains("redelivered")) events.redelivered = u64(j, where, "redelivered");
    if (j.contains("per_second")) {  // older reports have no events over time
      const auto series_where = child(where, "per_second");
      const json& series = object(j, where, "per_second");
      events.expected_per_second =
          time_series(object(series, series_where, "expected"), child(series_where, "expected"));
      events.delivered_per_second =
          time_series(object(series, series_where, "delivered"), child(series_where, "delivered"));
    }
    events.receiver_rejects = counts_by_status(j, where, "receiver_rejects");
    if (j.contains("outages")) {
      const json& outages = array(j, where, "outages");
      for (std::size_t i = 0; i < outages.size(); ++i) {
        const std::string here = item(child(where, "outages"), i);
        const json& o = outages[i];
        auto& outage = events.outages.emplace_back();
        outage.mode = string(o, here, "mode");
        outage.at_s = number(o, here, "at_s");
        outage.for_s = number(o, here, "for_s");
        outage.late = u64(o, here, "late");
        outage.lost = u64(o, here, "lost");
        outage.duplicated = u64(o, here, "duplicated");
        outage.first_event_s = number(o, here, "first_event_s");
        outage.recovered_s = number(o, here, "recovered_s");
      }
    }
    return events;
  }

  RunMeta meta(const json& j, const std::string& where) const {
    RunMeta m;
    m.tool_version = string(j, where, "tool_version");
    m.endpoint = string(j, where, "endpoint");
    m.endpoints = j.contains("endpoints") ? keys(j, where, "endpoints")
                                          : std::vector<std::string>{m.endpoint};
    m.region = string(j, where, "region");
    m.seed = u64(j, where, "seed");
    m.threads = u64(j, where, "threads");
    m.shard = string(j, where, "shard");
    if (j.contains("start_at")) m.start_at = string(j, where, "start_at");  // only with --start-at
    return m;
  }

  RunReport report(const json& j) const {
    if (!j.is_object()) fail("", "not an s3storm report (expected a JSON object)");
    const json& version = member(j, "", "version");
    if (!version.is_number_integer() || version.get<std::int64_t>() != kReportVersion) {
      fail("version", "unsupported report version " + version.dump() + " (this build reads " +
                          std::to_string(kReportVersion) + ")");
    }
    RunReport r;
    r.scenario = string(j, "", "scenario");
    r.scenario_path = string(j, "", "scenario_path");
    const auto started = parse_iso8601(string(j, "", "started"));
    if (!started) fail("started", "expected a UTC time like 2026-01-31T12:00:00.000Z");
    r.started = std::chrono::floor<std::chrono::milliseconds>(*started);
    r.duration_s = number(j, "", "duration_s");
    const auto shards = u64(j, "", "shards");
    if (shards == 0 || shards > std::numeric_limits<std::uint32_t>::max()) {
      fail("shards", "expected a positive count");
    }
    r.shards = static_cast<std::uint32_t>(shards);
    if (j.contains("stopped_by")) r.stopped_by = string(j, "", "stopped_by");
    if (j.contains("interrupted_by")) r.interrupted_by = string(j, "", "interrupted_by");
    if (j.contains("meta")) r.meta = meta(object(j, "", "meta"), "meta");
    const json& phases = array(j, "", "phases");
    for (std::size_t i = 0; i < phases.size(); ++i)
      r.phases.push_back(phase(phases[i], item("phases", i)));
    r.events = events(object(j, "", "events"), "events");
    if (j.contains("cleanup")) {
      const json& cleanup = object(j, "", "cleanup");
      r.cleanup =
          CleanupStats{u64(cleanup, "cleanup", "deleted"), u64(cleanup, "cleanup", "failed")};
    }
    const json& thresholds = array(j, "", "thresholds");
    for (std::size_t i = 0; i < thresholds.size(); ++i) {
      const auto here = item("thresholds", i);
      // Reports from before units lack "unit": their values print bare.
      r.thresholds.push_back(
          {string(thresholds[i], here, "expr"), number(thresholds[i], here, "measured"),
           boolean(thresholds[i], here, "pass"),
           thresholds[i].contains("unit") ? string(thresholds[i], here, "unit") : std::string()});
    }
    return r;
  }

 private:
  std::string origin_;
};

}  // namespace

stats::Histogram histogram_from_json(const json& j, const std::string& origin,
                                     const std::string& where) {
  return Reader(origin).histogram(j, where);
}

RunReport parse_report(std::string_view text, const std::string& origin) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann's message names the byte offset; keep only that, on one line.
    throw UsageError(origin + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  return Reader(origin).report(document);
}

RunReport read_report_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw UsageError(path + ": cannot read: " + std::strerror(errno));
  return parse_report(text.str(), path);
}

}  // namespace s3storm::report
