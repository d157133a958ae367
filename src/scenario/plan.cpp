#include "scenario/plan.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "scenario/search_steps.hpp"
#include "scenario/units.hpp"

namespace s3storm::scenario {

namespace {

double seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e9;
}

// Flow starts in the first `limit` of an open-loop phase: the area under the rate curve.
double open_loop_starts(const Phase& phase, Duration limit) {
  double rate = phase.rate_per_second.value_or(0);
  double remaining = seconds(limit);
  double starts = 0;
  for (const auto& stage : phase.ramp) {
    const double span = std::min(remaining, seconds(stage.over));
    const double end_rate = rate + (stage.to_per_second - rate) * (span / seconds(stage.over));
    starts += (rate + end_rate) / 2 * span;
    remaining -= span;
    rate = stage.to_per_second;
    if (remaining <= 0) return starts;
  }
  return starts + rate * remaining;
}

// "capacity search: probes of 1s at 100/s, 200/s, ... 3200/s until one fails, then bisection
// to within 5% (at most 10 probes); until errors.rate < 0.01, events.missing == 0".
std::string search_plan(const Search& search) {
  std::string rates;
  for (const double rate : SearchSteps::step_up_rates(search)) {
    rates += fmt::format("{}{:g}/s", rates.empty() ? "" : ", ", rate);
  }
  std::string until;
  for (const auto& threshold : search.until) {
    until += (until.empty() ? "" : ", ") + threshold.expression;
  }
  return fmt::format(
      "capacity search: probes of {} at {} until one fails, then bisection to within {:g}% (at "
      "most {} probes); until {}",
      format_duration(search.probe), rates, search.precision * 100, SearchSteps::max_probes(search),
      until);
}

std::string describe_size(const SizeSpec& s) {
  switch (s.kind()) {
    case SizeSpec::Kind::kFixed:
      return format_size(s.max());
    case SizeSpec::Kind::kUniform:
      return fmt::format("uniform {}..{}", format_size(s.min()), format_size(s.max()));
    case SizeSpec::Kind::kLognormal:
      return fmt::format("lognormal median {} max {}", format_size(s.median_or_min()),
                         format_size(s.max()));
    case SizeSpec::Kind::kChoice: {
      std::string text = "choice";
      for (const auto& c : s.choices())
        text += fmt::format(" {}x{}", format_size(c.size), c.weight);
      return text;
    }
  }
  return {};
}

std::string describe_key(const KeyRef& k) {
  return k.last ? "last" : k.key.source();
}

std::string describe_range(const ReadRange& range) {
  switch (range.kind) {
    case ReadRange::Kind::kWhole:
      return {};
    case ReadRange::Kind::kFixed:
      return range.last ? fmt::format(", bytes {}-{}", range.first, *range.last)
                        : fmt::format(", bytes {}-", range.first);
    case ReadRange::Kind::kRandom:
      return fmt::format(", a random {} window", format_size(range.window));
  }
  return {};
}

std::string describe_write(std::string text, const Step& step) {
  text += describe_key(step.key) + ", " + describe_size(step.size);
  if (step.content == Content::kRandom) text += ", random content";
  if (step.op == OpKind::kMultipart) {
    text += fmt::format(", parts of {} x{} in parallel{}", format_size(step.part_size),
                        step.parallel_parts, step.abort ? ", aborted" : "");
  }
  if (step.checksum) text += fmt::format(", checksum {}", checksum_lowercase_name(*step.checksum));
  return text;
}

std::string describe_step(const Step& step) {
  std::string text = fmt::format("{} {}/", op_name(step.op), step.bucket);
  switch (step.op) {
    case OpKind::kList:
      return text + describe_key(step.key) +
             fmt::format(" (max {}, {} page{})", step.max_keys, step.pages,
                         step.pages == 1 ? "" : "s");
    case OpKind::kDeleteObjects:
      return text + fmt::format(" {} written keys per request", step.batch);
    case OpKind::kPut:
    case OpKind::kMultipart:
      return describe_write(text, step);
    case OpKind::kCopy:
      return text + describe_key(step.key) +
             fmt::format(" from {}/{}", step.from_bucket, describe_key(step.from));
    case OpKind::kPost:
      return text + describe_key(step.key) + ", " + describe_size(step.size) +
             (step.content == Content::kRandom ? ", random content" : "");
    case OpKind::kGet:
      return text + describe_key(step.key) + describe_range(step.range) +
             (step.verify ? ", verified" : "");
    default:
      return text + describe_key(step.key);
  }
}

bool notification_covers(const Scenario& s, const Step& step, const std::string& event) {
  if (event.empty()) return false;
  // No notifications in setup: the bucket may be configured outside s3storm; assume it notifies.
  if (s.setup.notifications.empty()) return true;
  const std::string full = "s3:" + event;
  const std::string family = full.substr(0, full.rfind(':')) + ":*";
  // A step spread over buckets counts as notifying when its first bucket is configured (setup
  // configures a template's buckets all alike).
  const std::string bucket =
      step.bucket_spread.active() ? step.bucket_spread.names().front() : step.bucket;
  for (const auto& n : s.setup.notifications) {
    if (n.bucket != bucket) continue;
    for (const auto& e : n.events) {
      if (e == full || e == family) return true;
    }
  }
  return false;
}

std::string format_count(std::optional<double> count, bool exact) {
  if (!count) return "unbounded";
  if (exact) return fmt::format("{:.0f}", *count);
  return fmt::format("~{:.0f}", *count);
}

}  // namespace

std::string event_for(const Step& step) {
  switch (step.op) {
    case OpKind::kPut:
      return "ObjectCreated:Put";
    case OpKind::kCopy:
      return "ObjectCreated:Copy";
    case OpKind::kPost:
      return "ObjectCreated:Post";
    case OpKind::kDelete:
    case OpKind::kDeleteObjects:
      return "ObjectRemoved:Delete";
    case OpKind::kMultipart:
      return step.abort ? "" : "ObjectCreated:CompleteMultipartUpload";
    default:
      return "";
  }
}

std::vector<PhasePlan> make_plan(const Scenario& s) {
  std::vector<PhasePlan> plans;
  for (const auto& phase : s.phases) {
    PhasePlan plan{};
    plan.name = phase.name;
    if (phase.search) {
      plan.stop = search_plan(*phase.search);
    } else if (phase.iterations && phase.duration) {
      plan.stop = fmt::format("{} or {} iterations, whichever comes first",
                              format_duration(*phase.duration), *phase.iterations);
    } else if (phase.iterations) {
      plan.stop = fmt::format("{} iterations", *phase.iterations);
    } else {
      plan.stop = format_duration(*phase.duration);
    }
    const bool open_loop = phase.rate_per_second || !phase.ramp.empty();
    if (phase.search) {
      plan.pacing = fmt::format("open loop, up to {} in flight", phase.concurrency);
    } else if (open_loop) {
      plan.pacing = fmt::format("open loop from {:g}/s", phase.rate_per_second.value_or(0));
      for (const auto& stage : phase.ramp) {
        plan.pacing +=
            fmt::format(" to {:g}/s over {}", stage.to_per_second, format_duration(stage.over));
      }
      plan.pacing += fmt::format(", up to {} in flight", phase.concurrency);
    } else {
      plan.pacing = fmt::format("closed loop, {} in flight", phase.concurrency);
    }
    if (phase.think.count() > 0) plan.pacing += ", think " + format_duration(phase.think);
    if (!phase.with.empty()) plan.pacing += ", starts with '" + phase.with + "'";

    if (phase.iterations) {
      plan.iterations = static_cast<double>(*phase.iterations);
      plan.iterations_exact = !phase.duration;
      if (phase.duration && open_loop) {
        plan.iterations = std::min(*plan.iterations, open_loop_starts(phase, *phase.duration));
      }
    } else if (open_loop) {
      plan.iterations = open_loop_starts(phase, *phase.duration);
      plan.iterations_exact = false;
    }

    double weight_sum = 0;
    for (const auto& w : phase.mix) weight_sum += w.weight;
    const auto add = [&](const Step& step, double share) {
      OpEstimate op;
      op.op = step.op;
      op.exact = plan.iterations_exact && share == 1;
      if (plan.iterations) op.count = *plan.iterations * share;
      const bool writes =
          step.op == OpKind::kPut || step.op == OpKind::kPost || step.op == OpKind::kMultipart;
      if (step.size.kind() != SizeSpec::Kind::kFixed) op.exact = false;
      if (writes && op.count) op.bytes = *op.count * step.size.mean();
      if (step.op == OpKind::kMultipart) {
        const double part = static_cast<double>(step.part_size);
        op.requests_per_op = 2 + std::max(1.0, std::ceil(step.size.mean() / part));
      }
      op.event = event_for(step);
      op.notified = notification_covers(s, step, op.event);
      plan.steps.push_back(describe_step(step));
      plan.ops.push_back(op);
    };
    if (phase.is_mix) {
      for (const auto& w : phase.mix) add(w.step, w.weight / weight_sum);
    } else {
      for (const auto& step : phase.flow) add(step, 1);
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

std::string format_plan(const Scenario& s) {
  std::string out;
  const auto& t = s.target;
  out += fmt::format("scenario {}\n", s.source_name);
  out += fmt::format(
      "target   {} (region {}, {} addressing, {} payload, credentials {}, "
      "retries {})\n",
      t.endpoint, t.region, t.addressing == Addressing::kPath ? "path" : "virtual",
      to_string(t.payload), t.credentials.from_env ? "from the environment" : "from the file",
      t.retries);
  if (!t.endpoints.empty()) {
    out += fmt::format("spread   {} over {} endpoints:",
                       t.spread == EndpointSpread::per_worker ? "per worker" : "round robin",
                       t.endpoints.size());
    for (const auto& url : t.endpoints) out += " " + url;
    out += '\n';
  }
  out +=
      fmt::format("seed     {}{}\n", s.seed, s.seed_given ? "" : " (drawn; set 'seed' to repeat)");
  if (!s.setup.buckets.empty() || !s.setup.notifications.empty() || !s.setup.topics.empty()) {
    std::string buckets;
    for (const auto& b : s.setup.buckets) buckets += (buckets.empty() ? "" : ", ") + b;
    out += fmt::format("setup    buckets [{}], {} notification(s), {} topic(s){}\n", buckets,
                       s.setup.notifications.size(), s.setup.topics.size(),
                       s.setup.cleanup ? ", cleanup after the run" : "");
  }
  switch (s.events.source) {
    case EventSource::kWebhook:
      out += fmt::format("events   webhook on {}:{}, grace {}\n", s.events.listen_host,
                         s.events.listen_port, format_duration(s.events.grace));
      break;
    case EventSource::kSqs:
      out += fmt::format("events   SQS {} ({} poller(s)), grace {}\n", s.events.sqs.queue_url,
                         s.events.sqs.pollers, format_duration(s.events.grace));
      break;
    case EventSource::kAmqp:
      // Not the URL: it carries the password.
      out += fmt::format(
          "events   AMQP exchange {} (binding {}, queue {}, {} consumer(s)), grace {}\n",
          s.events.amqp.exchange, s.events.amqp.routing_key,
          s.events.amqp.queue.empty() ? "of the run" : s.events.amqp.queue, s.events.amqp.consumers,
          format_duration(s.events.grace));
      break;
    case EventSource::kNone:
      out += "events   not checked (source: none)\n";
      break;
  }

  for (const auto& plan : make_plan(s)) {
    out += fmt::format("\nphase {}: {}; {}\n", plan.name, plan.stop, plan.pacing);
    out += fmt::format("  iterations: {}\n", format_count(plan.iterations, plan.iterations_exact));
    out += fmt::format("  {:<3} {:<52} {:>12} {:>12} {:>12}  {}\n", "#", "step", "ops", "requests",
                       "bytes", "event");
    std::map<std::string, std::pair<double, bool>> events;
    std::map<std::string, std::pair<double, bool>> per_op;
    double bytes = 0;
    bool bytes_exact = true;
    bool finite = true;
    for (std::size_t i = 0; i < plan.ops.size(); ++i) {
      const auto& op = plan.ops[i];
      std::string step = plan.steps[i];
      if (step.size() > 52) step = step.substr(0, 49) + "...";
      const std::optional<double> requests =
          op.count ? std::optional(*op.count * op.requests_per_op) : std::nullopt;
      const bool writes =
          op.op == OpKind::kPut || op.op == OpKind::kPost || op.op == OpKind::kMultipart;
      // Built with fmt rather than string '+': GCC 12 warns falsely (-Wrestrict) on the latter.
      const std::string bytes_text =
          !writes    ? std::string("-")
          : op.count ? fmt::format("{}{}", op.exact ? "" : "~",
                                   format_size(static_cast<std::uint64_t>(op.bytes)))
                     : std::string("unbounded");
      const std::string event =
          op.event.empty() ? std::string("-")
                           : fmt::format("{}{}", op.event, op.notified ? "" : " (not notified)");
      out += fmt::format(
          "  {:<3} {:<52} {:>12} {:>12} {:>12}  {}\n", i + 1, step,
          format_count(op.count, op.exact),
          format_count(requests, op.exact && op.op != OpKind::kMultipart ? true : op.exact),
          bytes_text, event);
      if (!op.count) {
        finite = false;
        continue;
      }
      auto& slot = per_op[std::string(op_name(op.op))];
      slot.first += *op.count;
      slot.second = slot.second || !op.exact;
      bytes += op.bytes;
      bytes_exact = bytes_exact && op.exact;
      if (!op.event.empty() && op.notified) {
        auto& e = events[op.event];
        e.first += *op.count;
        e.second = e.second || !op.exact;
      }
    }
    if (!finite) {
      out += "  totals: unbounded (closed loop with only a duration: the server's speed decides)\n";
      continue;
    }
    std::string ops;
    for (const auto& [name, v] : per_op) {
      ops +=
          fmt::format("{}{} {}", ops.empty() ? "" : ", ", name, format_count(v.first, !v.second));
    }
    out += fmt::format("  operations: {}\n", ops);
    out += fmt::format("  writes: {}{}\n", bytes_exact ? "" : "~",
                       format_size(static_cast<std::uint64_t>(bytes)));
    std::string ev;
    for (const auto& [name, v] : events) {
      ev += fmt::format("{}{} {}", ev.empty() ? "" : ", ", name, format_count(v.first, !v.second));
    }
    out += fmt::format("  expected events: {}\n", ev.empty() ? "none" : ev);
  }
  if (!s.thresholds.empty()) {
    out += "\nthresholds (a failure makes the run exit 1):\n";
    for (const auto& th : s.thresholds) {
      out += fmt::format("  {}{}\n", th.expression,
                         th.abort_on_fail
                             ? fmt::format(" (aborts the run after {})", format_duration(th.delay))
                             : "");
    }
  }
  if (!s.report.json.empty() || !s.report.html.empty() || !s.report.junit.empty()) {
    out += "\nreports:";
    if (!s.report.json.empty()) out += " json " + s.report.json;
    if (!s.report.html.empty()) out += " html " + s.report.html;
    if (!s.report.junit.empty()) out += " junit " + s.report.junit;
    out += "\n";
  }
  return out;
}

}  // namespace s3storm::scenario
