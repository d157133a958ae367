"""Capacity search through `s3storm run`, against `s3storm serve --fault capacity:500` (at most
500 requests a second, SlowDown for the rest): the search lands within its precision (and the
token bucket's burst, see below) of the known capacity; a search whose `to` holds ends there; and
against serve holding every event 1.2 s (`event-delay`), a search whose `from` already fails
reports no rate, with the late events charged to the probe that caused them. Over two endpoints
(`target.endpoints`), `until` judges each endpoint on its share of each probe."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

CAPACITY = 500

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: search
  retries: 0
setup:
  buckets: [search]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 3s
phases:
  - name: find
    concurrency: 256
    search:
      rate: {{ from: {start}, to: {end} }}
      probe: 1s
      until: [ "errors.rate < 0.01", "events.missing == 0", "events.delivery_from_send.p99 < 1s" ]
      precision: 5%
    mix:
      - put: {{ key: "k/{{worker}}-{{seq}}", size: 16 }}
thresholds:
  - phase.find.search.max_rate_per_s >= 100/s
"""


def run_search(directory, serve, hook, start, end):
    path = harness.write_scenario(directory, SCENARIO.format(
        endpoint=serve.endpoint, hook=hook, start=start, end=end))
    report_path = os.path.join(directory, "report.json")
    html_path = os.path.join(directory, "report.html")
    result = harness.run_s3storm(["run", path, "--json", report_path, "--html", html_path])
    report = harness.load_report(report_path)
    with open(html_path) as f:
        html = f.read()
    return result, report["phases"][0]["search"], html


def measures(probe):
    return {m["expr"]: m for m in probe["until"]}


class CapacitySearch(unittest.TestCase):
    def test_finds_the_servers_capacity_and_stops_at_to(self):
        hook = harness.free_port()
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer(
                "--notify", f"http://127.0.0.1:{hook}/", "--fault", f"capacity:{CAPACITY}"
        ) as serve:
            result, search, html = run_search(d, serve, hook, "100/s", "1600/s")
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            # Up by doubling: 100, 200 and 400 hold, 800 fails; then bisection.
            rates = [p["rate_per_s"] for p in search["probes"]]
            self.assertEqual(rates[:4], [100, 200, 400, 800], search)
            self.assertEqual([p["held"] for p in search["probes"][:4]], [True, True, True, False])
            found = search["max_rate_per_s"]
            # Within the precision (5%) below, and above by at most the bucket's fifth of a
            # second that a probe after a pause can spend (20%); 5% either way besides for a
            # loaded machine's timing.
            self.assertGreaterEqual(found, CAPACITY * 0.95 * 0.95, search)
            self.assertLessEqual(found, CAPACITY * 1.2 * 1.05, search)
            failed = min(p["rate_per_s"] for p in search["probes"] if not p["held"])
            self.assertLessEqual(failed - found, 0.05 * found + 1e-9, search)
            for probe in search["probes"]:
                m = measures(probe)
                self.assertEqual(set(m), {"errors.rate < 0.01", "events.missing == 0",
                                          "events.delivery_from_send.p99 < 1s"})
                # A probe holds when every until does and the generator offered the whole rate.
                self.assertEqual(probe["held"],
                                 all(x["pass"] for x in m.values()) and probe["dropped"] == 0,
                                 probe)
                if probe["held"]:
                    # Offered and achieved: each probe counts its own operations only.
                    self.assertAlmostEqual(probe["achieved_per_s"], probe["rate_per_s"],
                                           delta=probe["rate_per_s"] * 0.15)
                    self.assertEqual(m["events.missing == 0"]["measured"], 0)
                elif probe["dropped"] == 0:
                    self.assertFalse(m["errors.rate < 0.01"]["pass"], probe)
            self.assertIn("highest rate that held", result.stdout)
            self.assertIn("<h3>Capacity search</h3>", html)
            self.assertIn("achieved against probed rate", html)
            # The threshold on the answer passed.
            self.assertIn("pass  phase.find.search.max_rate_per_s >= 100/s", result.stdout)

            # Below the capacity all the way: the search ends at `to`.
            result, search, _ = run_search(d, serve, hook, "50/s", "150/s")
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual([p["rate_per_s"] for p in search["probes"]], [50, 100, 150])
            self.assertEqual(search["max_rate_per_s"], 150)

    def test_from_failing_on_late_events_finds_no_rate(self):
        hook = harness.free_port()
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer(
                "--notify", f"http://127.0.0.1:{hook}/", "--fault", "event-delay:1200ms"
        ) as serve:
            result, search, _ = run_search(d, serve, hook, "50/s", "200/s")
        # No rate held, so the threshold on it fails: exit 1, with a clear line.
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIsNone(search["max_rate_per_s"])
        self.assertIn("highest rate that held: none (even 50/s failed)", result.stdout)
        self.assertEqual(len(search["probes"]), 1)
        probe = search["probes"][0]
        m = measures(probe)
        # Its events came 1.2 s late, after the probe's load: the settle wait took them in and
        # charged them to this probe, delivered (none missing) and late.
        self.assertTrue(m["events.missing == 0"]["pass"], probe)
        self.assertGreaterEqual(m["events.delivery_from_send.p99 < 1s"]["measured"], 1.2)
        self.assertGreater(probe["settle_s"], 1.0)
        self.assertTrue(m["errors.rate < 0.01"]["pass"])

    def test_validate_prints_the_plan_and_refuses_a_search_with_a_rate(self):
        with tempfile.TemporaryDirectory() as d:
            text = SCENARIO.format(endpoint="http://127.0.0.1:1", hook=0, start="100/s",
                                   end="1600/s")
            path = harness.write_scenario(d, text)
            result = harness.run_s3storm(["validate", path])
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("capacity search: probes of 1s at 100/s, 200/s, 400/s, 800/s, 1600/s",
                          result.stdout)
            bad = harness.write_scenario(d, text.replace("    concurrency: 256\n",
                                                         "    concurrency: 256\n    rate: 5/s\n"),
                                         "bad.yaml")
            for command in (["validate", bad], ["run", bad]):
                result = harness.run_s3storm(command)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertRegex(result.stderr, r"bad\.yaml:\d+:\d+: phase 'find' has a 'search'")
                self.assertIn(": 1 problem(s) found", result.stderr)


# Two endpoints, the second a server that lets one request a second through: a search judged on
# the first holds up to `to`, one judged on the second fails at `from`.
TWO_ENDPOINTS = """
target:
  endpoints: [{a}, {b}]
  spread: round-robin
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: search
  retries: 0
setup:
  buckets: [search]
phases:
  - name: first
    concurrency: 64
    search:
      rate: {{ from: 50/s, to: 100/s }}
      probe: 1s
      until: [ "endpoint[0].errors.rate < 0.01", "endpoint[0].put.p99 < 10s",
               "endpoint[0].ops.count > 0" ]
    mix:
      - put: {{ key: "a/{{worker}}-{{seq}}", size: 16 }}
  - name: second
    concurrency: 64
    search:
      rate: {{ from: 50/s, to: 100/s }}
      probe: 1s
      until: [ "endpoint[1].errors.rate < 0.01" ]
    mix:
      - put: {{ key: "b/{{worker}}-{{seq}}", size: 16 }}
"""


class SearchOverEndpoints(unittest.TestCase):
    def test_until_judges_each_endpoint_per_probe(self):
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as a, \
                harness.EmbeddedServer("--fault", "capacity:1") as b:
            path = harness.write_scenario(d, TWO_ENDPOINTS.format(a=a.endpoint, b=b.endpoint))
            report_path = os.path.join(d, "report.json")
            result = harness.run_s3storm(["run", path, "--json", report_path])
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            first, second = (p["search"] for p in harness.load_report(report_path)["phases"])

            # The first endpoint answers everything: both probes hold, each measured on its own
            # half of the probe's operations (round robin).
            self.assertEqual(first["max_rate_per_s"], 100, first)
            self.assertEqual([p["held"] for p in first["probes"]], [True, True], first)
            for probe in first["probes"]:
                m = measures(probe)
                self.assertEqual(m["endpoint[0].errors.rate < 0.01"]["measured"], 0)
                self.assertEqual(m["endpoint[0].errors.rate < 0.01"]["unit"], "fraction")
                self.assertEqual(m["endpoint[0].put.p99 < 10s"]["unit"], "s")
                count = m["endpoint[0].ops.count > 0"]["measured"]
                self.assertAlmostEqual(count, probe["rate_per_s"] / 2, delta=probe["rate_per_s"] / 4)

            # The second answers SlowDown past one request a second: even `from` fails.
            self.assertIsNone(second["max_rate_per_s"], second)
            self.assertEqual(len(second["probes"]), 1, second)
            m = measures(second["probes"][0])
            self.assertFalse(m["endpoint[1].errors.rate < 0.01"]["pass"])
            self.assertGreater(m["endpoint[1].errors.rate < 0.01"]["measured"], 0.5)
            self.assertIn("highest rate that held: none (even 50/s failed)", result.stdout)

    def test_an_endpoint_the_scenario_lacks_is_refused_where_it_is_written(self):
        with tempfile.TemporaryDirectory() as d:
            text = TWO_ENDPOINTS.format(a="http://127.0.0.1:1", b="http://127.0.0.1:2")
            cases = {
                "past.yaml": (text.replace('"endpoint[1].errors.rate < 0.01"',
                                           '"endpoint[2].errors.rate < 0.01"'),
                              r"past\.yaml:\d+:\d+: .*names endpoint\[2\], but target\.endpoints "
                              r"has 2"),
                "single.yaml": (SCENARIO.format(endpoint="http://127.0.0.1:1", hook=0,
                                                start="100/s", end="200/s").replace(
                                    '"errors.rate < 0.01"', '"endpoint[0].errors.rate < 0.01"'),
                                r"single\.yaml:\d+:\d+: .*names an endpoint, but the scenario "
                                r"has no target\.endpoints"),
            }
            for name, (bad, message) in cases.items():
                path = harness.write_scenario(d, bad, name)
                for command in (["validate", path], ["run", path]):
                    result = harness.run_s3storm(command)
                    self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                    self.assertRegex(result.stderr, message)


if __name__ == "__main__":
    unittest.main()
