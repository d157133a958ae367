#include "report/json_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include "stats/size_class.hpp"
#include "util/iso_time.hpp"
#include "util/usage_error.hpp"

namespace s3storm::report {

using nlohmann::ordered_json;

namespace {

// Derived figures are rounded for readability; the exact data sits beside them.
double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}
double us_to_ms(std::uint64_t us) {
  return static_cast<double>(us) / 1000.0;
}

ordered_json percentiles_ms(const stats::Histogram& h, bool with_p90_p999) {
  ordered_json j;
  j["p50"] = us_to_ms(h.value_at_percentile(50));
  if (with_p90_p999) j["p90"] = us_to_ms(h.value_at_percentile(90));
  j["p99"] = us_to_ms(h.value_at_percentile(99));
  if (with_p90_p999) j["p999"] = us_to_ms(h.value_at_percentile(99.9));
  j["max"] = us_to_ms(h.max());
  j["mean"] = round3(h.mean() / 1000.0);
  return j;
}

ordered_json time_series_to_json(const stats::TimeSeries& series) {
  ordered_json j;
  j["start"] = series.start();
  auto column = [&](auto member) {
    ordered_json values = ordered_json::array();
    for (const auto& second : series.seconds()) values.push_back(second.*member);
    return values;
  };
  using Second = stats::TimeSeries::Second;
  j["count"] = column(&Second::count);
  j["errors"] = column(&Second::errors);
  j["bytes"] = column(&Second::bytes);
  j["latency_max_us"] = column(&Second::latency_max_us);
  j["latency_sum_us"] = column(&Second::latency_sum_us);
  // Each second's latency distribution, as [bucket index, count] pairs (CoarseHistogram).
  j["latency_sub_bucket_bits"] = stats::CoarseHistogram::kSubBucketBits;
  ordered_json buckets = ordered_json::array();
  for (const auto& second : series.seconds()) {
    ordered_json pairs = ordered_json::array();
    for (const auto& b : second.latency.buckets()) pairs.push_back({b.index, b.count});
    buckets.push_back(std::move(pairs));
  }
  j["latency_buckets"] = std::move(buckets);
  j["out_of_range"] = series.out_of_range();
  return j;
}

template <typename Key>
ordered_json counts_by(const std::map<Key, std::uint64_t, std::less<>>& counts) {
  ordered_json j = ordered_json::object();
  for (const auto& [key, n] : counts) j[key] = n;
  return j;
}

ordered_json counts_by_status(const std::map<int, std::uint64_t>& counts) {
  ordered_json j = ordered_json::object();
  for (const auto& [status, n] : counts) j[std::to_string(status)] = n;
  return j;
}

ordered_json op_to_json(const stats::OpStats& op, double duration_s) {
  ordered_json j;
  j["count"] = op.count;
  j["ok"] = op.ok;
  j["errors"] = op.errors;
  j["errors_by_code"] = counts_by(op.errors_by_code);
  j["errors_by_status"] = counts_by_status(op.errors_by_status);
  j["retries"] = op.retries;
  j["bytes"] = op.bytes;
  const double seconds = duration_s > 0 ? duration_s : 0;
  j["ops_per_s"] = seconds > 0 ? round3(static_cast<double>(op.count) / seconds) : 0.0;
  j["mb_per_s"] = seconds > 0 ? round3(static_cast<double>(op.bytes) / 1e6 / seconds) : 0.0;
  j["latency_ms"] = percentiles_ms(op.latency, true);
  j["service_ms"] = percentiles_ms(op.service, true);
  j["histogram"] = histogram_to_json(op.latency);
  j["service_histogram"] = histogram_to_json(op.service);
  // Only when measured: reports of operations without answers, and older ones, have none.
  if (op.ttfb.count() > 0) {
    j["ttfb_ms"] = percentiles_ms(op.ttfb, true);
    j["ttfb_histogram"] = histogram_to_json(op.ttfb);
  }
  if (!op.latency_by_size.empty()) {
    ordered_json by_size = ordered_json::object();
    for (const auto& [size_class, histogram] : op.latency_by_size) {
      ordered_json c;
      c["count"] = histogram.count();
      c["latency_ms"] = percentiles_ms(histogram, true);
      c["histogram"] = histogram_to_json(histogram);
      by_size[std::string(stats::kSizeClassNames[size_class])] = std::move(c);
    }
    j["latency_by_size"] = std::move(by_size);
  }
  j["per_second"] = time_series_to_json(op.per_second);
  return j;
}

ordered_json ops_to_json(const std::array<stats::OpStats, kOpKinds>& ops, double duration_s) {
  ordered_json out = ordered_json::object();
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    const auto& op = ops[i];
    if (op.count == 0 && op.per_second.empty() && op.per_second.out_of_range() == 0) continue;
    out[std::string(kOpNames[i])] = op_to_json(op, duration_s);
  }
  return out;
}

// target.endpoints: each endpoint's operations as one, then per kind (`ops`, as a phase's), in
// the endpoints' order.
ordered_json endpoints_to_json(const stats::PhaseStats& phase) {
  ordered_json out = ordered_json::array();
  for (const auto& endpoint : phase.endpoints) {
    ordered_json j;
    j["url"] = endpoint.url;
    j.update(op_to_json(endpoint.all, phase.duration_s));
    j["ops"] = ops_to_json(endpoint.ops, phase.duration_s);
    out.push_back(std::move(j));
  }
  return out;
}

// A capacity search: max_rate_per_s is null when even the first rate failed.
ordered_json search_to_json(const stats::SearchOutcome& search) {
  ordered_json j;
  j["from_per_s"] = search.from_per_s;
  j["to_per_s"] = search.to_per_s;
  j["probe_s"] = search.probe_s;
  j["precision"] = search.precision;
  j["max_rate_per_s"] = search.max_rate_per_s ? ordered_json(*search.max_rate_per_s) : nullptr;
  ordered_json probes = ordered_json::array();
  for (const auto& probe : search.probes) {
    ordered_json p;
    p["rate_per_s"] = probe.rate_per_s;
    p["held"] = probe.held;
    p["duration_s"] = probe.duration_s;
    p["settle_s"] = probe.settle_s;
    p["achieved_per_s"] = probe.achieved_per_s;
    p["dropped"] = probe.dropped;
    ordered_json until = ordered_json::array();
    for (const auto& m : probe.until) {
      ordered_json measure{{"expr", m.expr}, {"measured", m.measured}, {"pass", m.pass}};
      if (!m.unit.empty()) measure["unit"] = m.unit;
      until.push_back(std::move(measure));
    }
    p["until"] = std::move(until);
    probes.push_back(std::move(p));
  }
  j["probes"] = std::move(probes);
  return j;
}

ordered_json phase_to_json(const stats::PhaseStats& phase, std::optional<double> started) {
  ordered_json j;
  j["name"] = phase.name;
  if (phase.started_epoch_s > 0) j["started_epoch_s"] = phase.started_epoch_s;
  // Derived from started_epoch_s and the run's start (not read back): for a reader's convenience.
  if (started) j["started_s"] = *started;
  j["duration_s"] = phase.duration_s;
  // What the phase was told (unset values left out), beside what it did.
  // Reports from before the plan was kept have none, and are rewritten without one.
  if (phase.plan.concurrency > 0) {
    ordered_json plan;
    plan["concurrency"] = phase.plan.concurrency;
    if (phase.plan.rate_per_s > 0) plan["rate_per_s"] = phase.plan.rate_per_s;
    if (phase.plan.iterations > 0) plan["iterations"] = phase.plan.iterations;
    if (phase.plan.duration_s > 0) plan["duration_s"] = phase.plan.duration_s;
    j["plan"] = std::move(plan);
  }
  j["dropped"] = phase.dropped;
  // Only when some are: a healthy run's report stays as it was.
  if (phase.uploads_left_open > 0) {
    j["uploads_left_open"] = phase.uploads_left_open;
    j["open_uploads"] = phase.open_uploads;
  }
  if (phase.search) j["search"] = search_to_json(*phase.search);
  j["ops"] = ops_to_json(phase.ops, phase.duration_s);
  if (!phase.endpoints.empty()) j["endpoints"] = endpoints_to_json(phase);
  return j;
}

ordered_json events_to_json(const stats::EventStats& events) {
  ordered_json j;
  j["source"] = events.source;
  ordered_json by_type = ordered_json::object();
  stats::EventTypeStats all;
  for (const auto& [type, s] : events.by_type) {
    ordered_json t;
    t["expected"] = s.expected;
    t["delivered"] = s.delivered;
    t["missing"] = s.missing;
    t["duplicate"] = s.duplicate;
    t["unexpected"] = s.unexpected;
    t["early"] = s.early;
    t["mismatched"] = s.mismatched;
    t["mismatch_by_field"] = s.mismatch_by_field;
    t["out_of_order"] = s.out_of_order;
    t["delivered_for_failed"] = s.delivered_for_failed;
    t["delivery_ms"] = percentiles_ms(s.delivery, true);
    t["delivery_histogram"] = histogram_to_json(s.delivery);
    t["delivery_from_send_ms"] = percentiles_ms(s.delivery_from_send, true);
    t["delivery_from_send_histogram"] = histogram_to_json(s.delivery_from_send);
    by_type[type] = std::move(t);
    all.merge(s);
  }
  j["by_type"] = std::move(by_type);
  ordered_json total;
  total["expected"] = all.expected;
  total["delivered"] = all.delivered;
  total["missing"] = all.missing;
  total["duplicate"] = all.duplicate;
  total["unexpected"] = all.unexpected;
  total["early"] = all.early;
  total["mismatched"] = all.mismatched;
  total["mismatch_by_field"] = all.mismatch_by_field;
  total["out_of_order"] = all.out_of_order;
  total["delivered_for_failed"] = all.delivered_for_failed;
  total["delivery_ms"] = percentiles_ms(all.delivery, true);
  total["delivery_from_send_ms"] = percentiles_ms(all.delivery_from_send, true);
  j["totals"] = std::move(total);
  j["missing_keys"] = events.missing_keys;
  j["unexpected_keys"] = events.unexpected_keys;
  j["mismatched_keys"] = events.mismatched_keys;
  j["delivered_for_failed_keys"] = events.delivered_for_failed_keys;
  j["out_of_order_keys"] = events.out_of_order_keys;
  j["test_events"] = events.test_events;
  if (events.foreign > 0) j["foreign"] = events.foreign;
  if (events.source == "amqp") {
    j["reconnects"] = events.reconnects;
    j["redelivered"] = events.redelivered;
  }
  j["receiver_rejects"] = counts_by_status(events.receiver_rejects);
  if (!events.outages.empty()) {
    ordered_json outages = ordered_json::array();
    for (const auto& o : events.outages) {
      ordered_json x;
      x["mode"] = o.mode;
      x["at_s"] = o.at_s;
      x["for_s"] = o.for_s;
      x["late"] = o.late;
      x["lost"] = o.lost;
      x["duplicated"] = o.duplicated;
      x["first_event_s"] = o.first_event_s;
      x["recovered_s"] = o.recovered_s;
      outages.push_back(std::move(x));
    }
    j["outages"] = std::move(outages);
  }
  // Expected (its "errors": still missing at the end) by completion second, delivered by arrival
  // second with the delivery latency in its latency columns.
  ordered_json per_second;
  per_second["expected"] = time_series_to_json(events.expected_per_second);
  per_second["delivered"] = time_series_to_json(events.delivered_per_second);
  j["per_second"] = std::move(per_second);
  return j;
}

bool is_flat(const ordered_json& array) {
  return std::all_of(array.begin(), array.end(), [](const ordered_json& v) {
    return v.is_primitive() ||
           (v.is_array() && std::all_of(v.begin(), v.end(),
                                        [](const ordered_json& w) { return w.is_primitive(); }));
  });
}

// Like dump(2), except that arrays of numbers (histogram buckets, time series) stay on one line:
// a report stays readable and a day of per-second data does not become a million lines.
void pretty(const ordered_json& j, std::string& out, int indent) {
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  if (j.is_object() && !j.empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      out += ordered_json(key).dump();
      out += ": ";
      pretty(value, out, indent + 2);
    }
    out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "}";
  } else if (j.is_array() && !j.empty() && !is_flat(j)) {
    out += "[\n";
    bool first = true;
    for (const auto& value : j) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      pretty(value, out, indent + 2);
    }
    out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "]";
  } else {
    out += j.dump();
  }
}

}  // namespace

ordered_json histogram_to_json(const stats::Histogram& histogram) {
  const auto data = histogram.export_data();
  ordered_json j;
  j["unit"] = "us";
  j["sub_bucket_bits"] = stats::Histogram::kSubBucketBits;
  j["max_trackable"] = stats::Histogram::kMaxTrackable;
  j["count"] = histogram.count();
  j["min"] = data.min;
  j["max"] = data.max;
  j["sum"] = data.sum;
  j["overflow"] = data.overflow;
  ordered_json counts = ordered_json::array();
  for (const auto& [index, n] : data.counts) counts.push_back(ordered_json::array({index, n}));
  j["counts"] = std::move(counts);
  return j;
}

ordered_json to_json(const RunReport& report) {
  ordered_json j;
  j["version"] = kReportVersion;
  j["scenario"] = report.scenario;
  j["scenario_path"] = report.scenario_path;
  j["started"] = format_iso8601(report.started);
  j["duration_s"] = report.duration_s;
  j["shards"] = report.shards;
  if (!report.stopped_by.empty()) j["stopped_by"] = report.stopped_by;
  if (!report.interrupted_by.empty()) j["interrupted_by"] = report.interrupted_by;
  const auto& meta = report.meta;
  if (!meta.tool_version.empty())
    j["meta"] = {{"tool_version", meta.tool_version},
                 {"endpoint", meta.endpoint},
                 {"endpoints", meta.endpoints},
                 {"region", meta.region},
                 {"seed", meta.seed},
                 {"threads", meta.threads},
                 {"shard", meta.shard}};
  if (!meta.tool_version.empty() && !meta.start_at.empty()) j["meta"]["start_at"] = meta.start_at;
  ordered_json phases = ordered_json::array();
  for (const auto& phase : report.phases) {
    phases.push_back(phase_to_json(phase, started_s(report, phase)));
  }
  j["phases"] = std::move(phases);
  const auto all = totals(report);
  ordered_json total;
  total["duration_s"] = all.duration_s;
  total["dropped"] = all.dropped;
  if (all.uploads_left_open > 0) total["uploads_left_open"] = all.uploads_left_open;
  total["ops"] = ops_to_json(all.ops, all.duration_s);
  if (!all.endpoints.empty()) total["endpoints"] = endpoints_to_json(all);
  j["totals"] = std::move(total);
  j["events"] = events_to_json(report.events);
  if (report.cleanup) {
    j["cleanup"] = {{"deleted", report.cleanup->deleted}, {"failed", report.cleanup->failed}};
  }
  ordered_json thresholds = ordered_json::array();
  for (const auto& t : report.thresholds) {
    ordered_json threshold{{"expr", t.expr}, {"measured", t.measured}, {"pass", t.pass}};
    if (!t.unit.empty()) threshold["unit"] = t.unit;
    thresholds.push_back(std::move(threshold));
  }
  j["thresholds"] = std::move(thresholds);
  return j;
}

std::string write_json(const RunReport& report) {
  std::string out;
  pretty(to_json(report), out, 0);
  out += '\n';
  return out;
}

void write_json_file(const RunReport& report, const std::string& path) {
  const std::string text = write_json(report);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (out) out.close();
  if (!out) throw UsageError(path + ": cannot write the JSON report: " + std::strerror(errno));
}

}  // namespace s3storm::report
