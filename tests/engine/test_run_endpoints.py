"""Several endpoints and the report's finer latencies, through the binary against two `s3storm
serve`: thresholds on time to first byte (`get.ttfb.p99`), on latency by size class
(`put.size.le_4KiB.p99`) and per endpoint (`endpoint[1].errors.rate`), judged by `run`, again by
`report --threshold` on the saved JSON and by `merge --threshold`, one JUnit testcase each; live
(`abort_on_fail`) where the live numbers hold the measure and refused (exit 2) where they do not;
Prometheus series per endpoint and a ttfb histogram per operation; cleanup on every endpoint;
`meta.endpoints`; the progress line's errors per endpoint; the text and HTML reports' rows per
endpoint and operation kind."""
import os
import re
import signal
import sys
import tempfile
import unittest
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from test_run_metrics import parse_strictly, value  # noqa: E402  (the strict 0.0.4 parser)

HEALTHY = """
target:
  endpoints: [{a}, {b}]
  spread: round-robin
  bucket: epb
  retries: 0
setup:
  buckets: [epb]
  cleanup: true
phases:
  - name: load
    iterations: 40
    concurrency: 2
    flow:
      - put: {{ key: "s/{{iter}}", size: 1KiB }}
      - put: {{ key: "l/{{iter}}", size: 100KiB }}
      - get: {{ key: last }}
thresholds:
  - endpoint[0].errors.rate == 0
  - endpoint[1].ops.count == 60
  - endpoint[0].put.count == 40
  - endpoint[1].all.p99 < 30s
  - endpoint[1].get.max < 30s
  - endpoint[0].ops.rate > 0/s
  - get.ttfb.p99 < 30s
  - get.ttfb.max > 0ms
  - put.size.le_4KiB.count == 40
  - put.size.le_1MiB.count == 40
  - put.size.le_64KiB.count == 0
  - put.size.le_1MiB.p99 < 30s
seed: 5
"""

def scenario_thresholds(text):
    """The expressions of a scenario's `thresholds:` list, in order."""
    lines = text.split("thresholds:\n", 1)[1].splitlines()
    return [l.strip()[2:] for l in lines if l.startswith("  - ")]


def junit_cases(path):
    """{testcase name: failed?} of the thresholds suite."""
    root = ET.parse(path).getroot()
    out = {}
    for case in root.iter("testcase"):
        if case.get("classname", "").endswith(".thresholds"):
            out[case.get("name")] = case.find("failure") is not None
    return out


def keys(client):
    return [o["Key"] for o in client.list_objects_v2(Bucket="epb").get("Contents", [])]


class SeveralEndpointsJudged(unittest.TestCase):
    def test_thresholds_metrics_cleanup_and_rejudging(self):
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as a, \
                harness.EmbeddedServer() as b:
            path = harness.write_scenario(d, HEALTHY.format(a=a.endpoint, b=b.endpoint))
            json_path = os.path.join(d, "report.json")
            junit_path = os.path.join(d, "junit.xml")
            env = {**os.environ, "AWS_ACCESS_KEY_ID": harness.ACCESS_KEY,
                   "AWS_SECRET_ACCESS_KEY": harness.SECRET_KEY}
            run = harness.Process([harness.BIN, "run", path, "--json", json_path, "--junit",
                                   junit_path, "--metrics", "127.0.0.1:0",
                                   "--metrics-linger", "30s"], env=env)
            stderr = []
            with run:
                port = None
                while not stderr or "metrics: serving the final numbers" not in stderr[-1]:
                    line = run.proc.stderr.readline()
                    self.assertTrue(line, "the run ended before lingering: " + "".join(stderr))
                    stderr.append(line)
                    m = re.match(r"metrics: http://127\.0\.0\.1:(\d+)/metrics", line)
                    if m:
                        port = int(m.group(1))
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                    types, samples = parse_strictly(r.read().decode())
                run.proc.send_signal(signal.SIGINT)  # ends the linger
                run.proc.wait(timeout=10)
                self.assertEqual(run.proc.returncode, 0, "".join(stderr))

            report = harness.load_report(json_path)
            # Every threshold passed, each measured on what it names.
            results = {t["expr"]: t for t in report["thresholds"]}
            self.assertEqual(list(results), scenario_thresholds(HEALTHY))
            self.assertTrue(all(t["pass"] for t in report["thresholds"]), report["thresholds"])
            self.assertEqual(results["endpoint[0].errors.rate == 0"]["unit"], "fraction")
            self.assertEqual(results["endpoint[1].ops.count == 60"]["measured"], 60)
            self.assertGreater(results["get.ttfb.max > 0ms"]["measured"], 0)
            self.assertEqual(results["put.size.le_4KiB.count == 40"]["measured"], 40)
            self.assertEqual(junit_cases(junit_path),
                             {e: False for e in scenario_thresholds(HEALTHY)})

            # The report names every endpoint, and per endpoint each operation kind.
            self.assertEqual(report["meta"]["endpoint"], a.endpoint)
            self.assertEqual(report["meta"]["endpoints"], [a.endpoint, b.endpoint])
            per_endpoint = report["phases"][0]["endpoints"]
            self.assertEqual([e["ops"]["put"]["count"] for e in per_endpoint], [40, 40])
            self.assertEqual([e["ops"]["get"]["count"] for e in per_endpoint], [20, 20])

            # Cleanup emptied both stores, not only the first.
            self.assertEqual(report["cleanup"], {"deleted": 80, "failed": 0})
            self.assertEqual([keys(harness.boto3_client(s.endpoint)) for s in (a, b)], [[], []])

            # Prometheus: per endpoint counters and latency, a ttfb histogram per operation.
            self.assertEqual(types["s3storm_endpoint_ops_total"], "counter")
            self.assertEqual(types["s3storm_endpoint_latency_seconds"], "histogram")
            self.assertEqual(types["s3storm_ttfb_seconds"], "histogram")
            for server in (a, b):
                self.assertEqual(value(samples, "s3storm_endpoint_ops_total",
                                       endpoint=server.endpoint, phase="load", op="put",
                                       outcome="ok"), 40)
                self.assertEqual(value(samples, "s3storm_endpoint_latency_seconds_count",
                                       endpoint=server.endpoint, phase="load"), 60)
            self.assertEqual(value(samples, "s3storm_ttfb_seconds_count", op="get", phase="load"),
                             40)

            # The progress line counted errors per endpoint (none), in the endpoints' order.
            self.assertIn("0 errors (by endpoint: 0 0)", "".join(stderr))

            # `report --threshold` judges the saved JSON again, in every view it writes.
            junit_again = os.path.join(d, "again.xml")
            json_again = os.path.join(d, "again.json")
            again = harness.run_s3storm([
                "report", json_path, "--junit", junit_again, "--json", json_again, "--text",
                "--threshold", "endpoint[1].put.count == 40",
                "--threshold", "get.ttfb.p99 < 1us",
                "--threshold", "put.size.gt_16MiB.count == 0"])
            self.assertEqual(again.returncode, 1, again.stdout + again.stderr)
            self.assertEqual(junit_cases(junit_again), {"endpoint[1].put.count == 40": False,
                                                        "get.ttfb.p99 < 1us": True,
                                                        "put.size.gt_16MiB.count == 0": False})
            self.assertEqual([t["pass"] for t in harness.load_report(json_again)["thresholds"]],
                             [True, False, True])
            passing = harness.run_s3storm(["report", json_path, "--threshold",
                                           "endpoint[0].get.p99 < 30s"])
            self.assertEqual(passing.returncode, 0, passing.stderr)
            # Without --threshold, the saved verdicts stand and the exit status is 0.
            plain = harness.run_s3storm(["report", json_path, "--junit", junit_again])
            self.assertEqual(plain.returncode, 0, plain.stderr)
            self.assertEqual(junit_cases(junit_again),
                             {e: False for e in scenario_thresholds(HEALTHY)})

            # `merge --threshold` judges the merged whole: two runs' endpoints added up.
            merged_path = os.path.join(d, "merged.json")
            merged = harness.run_s3storm(["merge", json_path, json_path, "-o", merged_path,
                                          "--threshold", "endpoint[0].put.count == 80",
                                          "--threshold", "put.size.le_4KiB.count == 80",
                                          "--threshold", "endpoint[1].errors.count > 0"])
            self.assertEqual(merged.returncode, 1, merged.stdout + merged.stderr)
            self.assertEqual([(t["expr"], t["pass"]) for t in
                              harness.load_report(merged_path)["thresholds"]],
                             [("endpoint[0].put.count == 80", True),
                              ("put.size.le_4KiB.count == 80", True),
                              ("endpoint[1].errors.count > 0", False)])

            # Bad expressions on a saved report: exit 2, the flag named, nothing written.
            for bad, why in (("endpoint[2].ops.count == 0", "target.endpoints has 2"),
                             ("put.size.le_5KiB.p99 < 1s", "unknown size class 'le_5KiB'")):
                r = harness.run_s3storm(["report", json_path, "--threshold", bad])
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(f"--threshold '{bad}'", r.stderr)
                self.assertIn(why, r.stderr)
                self.assertEqual(r.stdout, "")


FAULTY = """
target:
  endpoints: [{a}, {b}]
  spread: round-robin
  bucket: epb
  retries: 0
setup:
  buckets: [epb]
phases:
  - name: storm
    duration: 30s
    rate: 40/s
    concurrency: 4
    flow:
      - put: {{ key: "f/{{iter}}", size: 1KiB }}
      - get: {{ key: last }}
thresholds:
  - {{expr: "{expr}", abort_on_fail: true}}
seed: 6
"""


class LiveEndpointThresholds(unittest.TestCase):
    def test_abort_on_fail_per_endpoint_and_on_ttfb(self):
        # b answers every measured request 503: its errors show live, a's do not.
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as a, \
                harness.EmbeddedServer("--fault", "503:1") as b:
            for expr, stops in (("endpoint[1].errors.count == 0", True),
                                ("endpoint[0].errors.rate < 1%", False),
                                ("endpoint[1].all.p99 < 30s", False),
                                ("get.ttfb.p99 < 1us", True)):
                text = FAULTY.format(a=a.endpoint, b=b.endpoint, expr=expr)
                if not stops:  # a short run: nothing should stop it
                    text = text.replace("duration: 30s", "duration: 2s")
                path = harness.write_scenario(d, text)
                json_path = os.path.join(d, "report.json")
                r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet"])
                report = harness.load_report(json_path)
                if stops:
                    self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                    self.assertIn(f"abort_on_fail threshold '{expr}' failed", r.stderr)
                    self.assertLess(report["duration_s"], 15, expr)
                else:
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                    self.assertEqual(report.get("stopped_by", ""), "", expr)

    def test_measures_the_live_numbers_lack_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            endpoints = "endpoints: [http://127.0.0.1:1, http://127.0.0.1:2]"
            for target, threshold, why in (
                    (endpoints, '{expr: "put.size.le_4KiB.p99 < 1s", abort_on_fail: true}',
                     "latency by size class is added up only when a phase ends"),
                    (endpoints, '{expr: "endpoint[0].put.p99 < 1s", abort_on_fail: true}',
                     "endpoint[0].all.p99"),
                    (endpoints, "endpoint[2].errors.rate < 1%",
                     "target.endpoints has 2 (counted from 0"),
                    ("endpoint: http://127.0.0.1:1", "endpoint[0].errors.rate < 1%",
                     "the scenario has no target.endpoints"),
                    (endpoints, "put.size.le_5KiB.p99 < 1s",
                     "the classes are le_4KiB, le_64KiB, le_1MiB, le_16MiB or gt_16MiB"),
                    (endpoints, "endpoint.errors.rate < 1%", "write endpoint[N]")):
                path = harness.write_scenario(d, f"""
target:
  {target}
  bucket: epb
phases: [{{name: p, iterations: 1, flow: [{{put: {{key: k, size: 1}}}}]}}]
thresholds:
  - {threshold}
""", name="bad.yaml")
                for command in (["validate", path], ["run", path]):
                    r = harness.run_s3storm(command)
                    self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                    self.assertRegex(r.stderr, r"bad\.yaml:7:\d+: ")
                    self.assertIn(why, r.stderr)
            # The same through --threshold: the flag named.
            path = harness.write_scenario(d, """
target: {endpoint: http://127.0.0.1:1, bucket: epb}
phases: [{name: p, iterations: 1, flow: [{put: {key: k, size: 1}}]}]
""", name="one.yaml")
            r = harness.run_s3storm(["run", path, "--threshold", "endpoint[0].ops.rate > 1/s"])
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("--threshold 'endpoint[0].ops.rate > 1/s'", r.stderr)


# Each endpoint puts and then gets a key nobody wrote: its put row has no errors, its get row all.
KINDS = """
target:
  endpoints: [{a}, {b}]
  spread: round-robin
  bucket: epk
  retries: 0
setup:
  buckets: [epk]
phases:
  - name: mixed
    iterations: 20
    concurrency: 2
    flow:
      - put: {{ key: "k/{{iter}}", size: 1KiB }}
      - get: {{ key: "nothing/{{iter}}" }}
  - name: puts
    iterations: 10
    concurrency: 1
    flow:
      - put: {{ key: "p/{{iter}}", size: 1KiB }}
"""


def endpoint_tables(text):
    """Per section title ("Phase mixed", "All phases"), its endpoints table's rows as
    [(name, count, err, errors by code)]; a kind's row is named "  put"."""
    tables = {}
    title, rows = None, None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            title, rows = line.split(" (")[0], None
        elif re.match(r"  endpoint +count +err +ops/s +p50 +p99 +errors by code$", line):
            rows = tables.setdefault(title, [])
        elif rows is not None:
            m = re.match(r"  (\S+|  \S+) +(\d+) +(\d+) +[\d.]+ +\S+ +\S+  (.*)$", line)
            if m:
                rows.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
            else:
                rows = None
    return tables


class EndpointKindsShown(unittest.TestCase):
    def test_text_and_html_show_each_endpoints_kinds_that_ran(self):
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as a, \
                harness.EmbeddedServer() as b:
            path = harness.write_scenario(d, KINDS.format(a=a.endpoint, b=b.endpoint))
            html_path = os.path.join(d, "report.html")
            r = harness.run_s3storm(["run", path, "--html", html_path])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            tables = endpoint_tables(r.stdout)
            # Under each endpoint, one row per kind it ran (round robin: half the iterations
            # each), its errors with their codes: the phase, and all phases together.
            for title, puts in (("Phase mixed", 10), ("All phases", 15)):
                self.assertEqual(tables.get(title), [
                    (a.endpoint, puts + 10, 10, "HTTP 404 10"),
                    ("  put", puts, 0, "-"),
                    ("  get", 10, 10, "HTTP 404 10"),
                    (b.endpoint, puts + 10, 10, "HTTP 404 10"),
                    ("  put", puts, 0, "-"),
                    ("  get", 10, 10, "HTTP 404 10")], r.stdout)
            # A phase of one kind: the endpoint's row says it all.
            self.assertEqual(tables.get("Phase puts"), [(a.endpoint, 5, 0, "-"),
                                                        (b.endpoint, 5, 0, "-")], r.stdout)

            with open(html_path) as f:
                html = f.read()
            tables = [t.split("</table>", 1)[0] for t in html.split("<h3>Endpoints</h3>")[1:]]
            # mixed, puts, all phases: kind rows under each endpoint where it ran two kinds.
            self.assertEqual([t.count('class="endpoint-op"') for t in tables], [4, 0, 4])
            for table in (tables[0], tables[2]):
                self.assertEqual(len(re.findall(
                    r'<tr class="endpoint-op"><td>get</td><td>10</td><td>0</td>'
                    r'<td class="fail">10</td>', table)), 2, table)
            self.assertEqual(len(re.findall(
                r'<tr class="endpoint-op"><td>put</td><td>10</td><td>10</td><td class="">0</td>',
                tables[0])), 2, tables[0])


if __name__ == "__main__":
    unittest.main()
