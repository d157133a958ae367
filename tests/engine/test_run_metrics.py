"""`s3storm run --metrics`: Prometheus text scraped during a real run, read with a strict parser of
the 0.0.4 text format; counters grow between scrapes, and the last scrape agrees with the report."""
import os
import re
import socket
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: embedded
  bucket: watched
setup:
  buckets: [watched]
events:
  source: webhook
  grace: 5s
phases:
  - name: soak
    duration: 4s
    rate: 150/s
    concurrency: 8
    mix:
      - {{ weight: 3, put: {{ key: "m/{{worker}}-{{seq}}", size: 2KiB }} }}
      - {{ weight: 1, get: {{ key: last }} }}
seed: 2
"""

STALLED_SCRAPER_SCENARIO = """
target:
  endpoint: embedded
  bucket: watched
setup:
  buckets: [watched]
phases:
  - name: short
    duration: {duration}s
    rate: 50/s
    concurrency: 2
    flow:
      - put: {{ key: "s/{{worker}}-{{seq}}", size: 1KiB }}
seed: 3
"""

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"({NAME})(\{{{LABEL}(?:,{LABEL})*\}})? (-?[0-9.]+(?:e[-+]?[0-9]+)?|NaN|[+-]Inf)")
TYPE = re.compile(rf"# TYPE ({NAME}) (counter|gauge|summary|histogram|untyped)")
HELP = re.compile(rf"# HELP ({NAME}) .*")


def parse_strictly(text):
    """{(name, labels): value}; raises ValueError on anything the format does not allow."""
    if text and not text.endswith("\n"):
        raise ValueError("the text must end with a newline")
    types, samples = {}, {}
    for line in text.splitlines():
        if HELP.fullmatch(line):
            continue
        m = TYPE.fullmatch(line)
        if m:
            if m.group(1) in types:
                raise ValueError(f"TYPE twice: {line}")
            types[m.group(1)] = m.group(2)
            continue
        m = SAMPLE.fullmatch(line)
        if not m:
            raise ValueError(f"not a sample: {line!r}")
        name = m.group(1)
        family = name
        for suffix in ("_sum", "_count"):
            if family not in types and family.endswith(suffix):
                family = family[: -len(suffix)]
        if family not in types:
            raise ValueError(f"sample before its TYPE: {line}")
        labels = tuple(sorted(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or "")))
        if (name, labels) in samples:
            raise ValueError(f"sample twice: {line}")
        samples[(name, labels)] = float(m.group(3))
    return types, samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


class StrictParser(unittest.TestCase):
    def test_rejects_what_the_format_does_not_allow(self):
        for bad in ("x 1\n", "# TYPE x counter\nx{a=\"b} 1\n", "# TYPE x counter\nx one\n",
                    "# TYPE x counter\nx 1", "# TYPE x counter\n# TYPE x gauge\n"):
            with self.assertRaises(ValueError, msg=bad):
                parse_strictly(bad)


class MetricsDuringARun(unittest.TestCase):
    def test_scrapes_while_the_run_goes_on(self):
        with tempfile.TemporaryDirectory() as d:
            path = harness.write_scenario(d, SCENARIO.format())
            report_path = os.path.join(d, "report.json")
            run = harness.Process([harness.BIN, "run", path, "--metrics", "127.0.0.1:0",
                                   "--json", report_path, "--threads", "2", "--quiet"])
            with run:
                port = None
                while port is None:
                    line = run.proc.stderr.readline()
                    self.assertTrue(line, "the run ended before printing the metrics address")
                    m = re.match(r"metrics: http://127\.0\.0\.1:(\d+)/metrics", line)
                    if m:
                        port = int(m.group(1))
                scrapes = []
                while run.proc.poll() is None:
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                            self.assertEqual(r.headers["Content-Type"],
                                             "text/plain; version=0.0.4; charset=utf-8")
                            scrapes.append(parse_strictly(r.read().decode()))
                    except (urllib.error.URLError, ConnectionError):
                        break  # the run ended between the poll and the scrape
                    time.sleep(0.5)
                run.proc.wait(timeout=60)
                self.assertEqual(run.proc.returncode, 0)
            report = harness.load_report(report_path)

        self.assertGreaterEqual(len(scrapes), 4)
        types, _ = scrapes[-1]
        self.assertEqual(types["s3storm_ops_total"], "counter")
        self.assertEqual(types["s3storm_latency_seconds"], "summary")
        self.assertEqual(types["s3storm_in_flight"], "gauge")
        puts = [value(s, "s3storm_ops_total", op="put", phase="soak", outcome="ok") for _, s in scrapes]
        self.assertEqual(puts, sorted(puts))  # a counter never goes down
        self.assertGreater(puts[-1], puts[0])
        # Mid-phase (the phase lasts 4 s), some but not all of the run's operations were counted.
        final_puts = report["phases"][0]["ops"]["put"]["count"]
        mid = [p for p, (_, s) in zip(puts, scrapes) if 1 <= value(s, "s3storm_elapsed_seconds") <= 3]
        self.assertTrue(mid, [value(s, "s3storm_elapsed_seconds") for _, s in scrapes])
        self.assertGreater(mid[0], 0)
        self.assertLess(mid[-1], final_puts)
        _, last = scrapes[-1]
        self.assertLessEqual(puts[-1], final_puts)
        p50 = value(last, "s3storm_latency_seconds", op="put", phase="soak", quantile="0.5")
        p99 = value(last, "s3storm_latency_seconds", op="put", phase="soak", quantile="0.99")
        self.assertGreater(p50, 0)
        self.assertGreaterEqual(p99, p50)
        self.assertEqual(value(last, "s3storm_bytes_total", op="put", phase="soak"),
                         2048 * value(last, "s3storm_ops_total", op="put", phase="soak", outcome="ok"))
        self.assertGreater(value(last, "s3storm_events_expected_total", type="ObjectCreated:Put"), 0)
        self.assertEqual(value(last, "s3storm_events_unexpected_total", type="ObjectCreated:Put"), 0)

    def test_a_scraper_that_never_reads_does_not_hold_the_run(self):
        # Issue #18: a --metrics client that asks and never reads kept the run from ending until
        # the server's stop timeout (5 s) cut it.
        duration = 2
        with tempfile.TemporaryDirectory() as d:
            path = harness.write_scenario(d, STALLED_SCRAPER_SCENARIO.format(duration=duration))
            report_path = os.path.join(d, "report.json")
            start = time.monotonic()
            run = harness.Process([harness.BIN, "run", path, "--metrics", "127.0.0.1:0",
                                   "--json", report_path, "--quiet"])
            with run:
                port = None
                while port is None:
                    line = run.proc.stderr.readline()
                    self.assertTrue(line, "the run ended before printing the metrics address")
                    m = re.match(r"metrics: http://127\.0\.0\.1:(\d+)/metrics", line)
                    if m:
                        port = int(m.group(1))
                # A receive window of a few KiB and pipelined scrapes that each answer with KiBs:
                # the server's answers fill the socket and it waits on us, which never read.
                stuck = socket.socket()
                stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                stuck.connect(("127.0.0.1", port))
                stuck.setblocking(False)
                request = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 20000
                sent = 0
                try:
                    while sent < len(request):
                        sent += stuck.send(request[sent:])
                except BlockingIOError:
                    pass  # the server stopped reading: it is writing answers nobody reads
                try:
                    run.proc.wait(timeout=60)
                    wall = time.monotonic() - start
                finally:
                    stuck.close()
                self.assertEqual(run.proc.returncode, 0)
            report = harness.load_report(report_path)
        self.assertGreater(sent, 0)
        self.assertLess(wall, duration + 3)
        self.assertLess(report["duration_s"], duration + 2)

    def test_a_non_loopback_address_is_refused(self):
        r = harness.run_s3storm(["run", os.path.join(harness.SOURCE_DIR, "scenarios", "quickstart.yaml"),
                                 "--metrics", "0.0.0.0:9464", "--quiet"])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--metrics 0.0.0.0:9464: not a loopback address", r.stderr)


if __name__ == "__main__":
    unittest.main()
