"""The content check through `s3storm run`: every delivered event's size and eTag are held to what
its operation wrote. Against `s3storm serve --fault event-corrupt:P` (a wrong size or eTag in a
fraction of ObjectCreated events), the run's `mismatched` count equals what serve corrupted, field
by field; without the fault, PUT, POST, COPY and DELETE events all pass."""
import json
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: content
setup:
  buckets: [content]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 10s
phases:
  - name: writes
    iterations: {iterations}
    concurrency: 4
    flow:
      - put: {{ key: "p/{{iter}}", size: {{ uniform: {{ min: 1, max: 4KiB }} }} }}
      - copy: {{ from: last, key: "c/{{iter}}" }}
      - post: {{ key: "f/{{iter}}", size: 300 }}
      - delete: {{ key: last }}
thresholds:
  - events.missing == 0
  - events.mismatched == 0
seed: 11
"""


def run_against_serve(directory, iterations, *faults):
    scenario = SCENARIO.replace("{iterations}", str(iterations))
    return harness.run_against_serve(directory, scenario, "--seed", "3", *faults)


class EventContent(unittest.TestCase):
    def test_every_write_event_says_what_the_operation_wrote(self):
        with tempfile.TemporaryDirectory() as d:
            result, events, _ = run_against_serve(d, 40)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for name in ("ObjectCreated:Put", "ObjectCreated:Copy", "ObjectCreated:Post",
                     "ObjectRemoved:Delete"):
            counts = events["by_type"][name]
            self.assertEqual((counts["expected"], counts["delivered"], counts["mismatched"]),
                             (40, 40, 0), name)
            # From the request's sending, never clamped: a real figure even for early events.
            self.assertEqual(counts["delivery_from_send_histogram"]["count"], 40, name)
            self.assertGreater(counts["delivery_from_send_ms"]["max"], 0, name)

    def test_corrupted_events_are_counted_exactly_by_field(self):
        with tempfile.TemporaryDirectory() as d:
            result, events, serve_err = run_against_serve(d, 300, "--fault", "event-corrupt:0.2")
        corrupted = int(re.search(r"(\d+) corrupted by fault", serve_err).group(1))
        self.assertGreater(corrupted, 100)
        totals = events["totals"]
        self.assertEqual(totals["delivered"], totals["expected"])
        self.assertEqual(totals["mismatched"], corrupted)
        self.assertEqual(totals["mismatch_by_field"],
                         {"size": (corrupted + 1) // 2, "eTag": corrupted // 2})
        self.assertEqual(events["by_type"]["ObjectRemoved:Delete"]["mismatched"], 0)
        self.assertEqual(len(events["mismatched_keys"]), 20)
        self.assertRegex(events["mismatched_keys"][0],
                         r"^content/[pcf]/\d+ \(ObjectCreated:\w+: (size \d+, expected \d+|eTag \w+)\)$")
        # The threshold on the new count fails the run.
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("FAIL  events.mismatched == 0", result.stdout)


TIMEOUTS = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: slow
  request_timeout: 300ms
  retries: 0
setup:
  buckets: [slow]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 5s
phases:
  - name: puts
    iterations: 200
    concurrency: 8
    flow:
      - put: {{ key: "s/{{iter}}", size: 64 }}
seed: 4
"""


class EventsOfFailedOperations(unittest.TestCase):
    def test_a_timed_out_put_the_server_applied_is_delivered_for_failed(self):
        # serve applies every PUT, then holds a fifth of the answers past the client's timeout:
        # those PUTs fail on our side, and their events prove the server applied them. They used
        # to be reported as unexpected.
        hook = harness.free_port()
        serve = harness.EmbeddedServer("--notify", f"http://127.0.0.1:{hook}/", "--seed", "9",
                                       "--fault", "delay:800ms:0.2")
        try:
            with tempfile.TemporaryDirectory() as d:
                path = harness.write_scenario(d, TIMEOUTS.format(endpoint=serve.endpoint,
                                                                  hook=hook))
                report_path = os.path.join(d, "report.json")
                result = harness.run_s3storm(["run", path, "--json", report_path])
                with open(report_path, encoding="utf-8") as f:
                    report = json.load(f)
        finally:
            serve.stop()
        put = report["phases"][0]["ops"]["put"]
        timeouts = put["errors_by_code"].get("timeout", 0)
        self.assertGreater(timeouts, 10, put)
        self.assertEqual(put["errors"], timeouts)
        events = report["events"]["by_type"]["ObjectCreated:Put"]
        self.assertEqual(events["delivered_for_failed"], timeouts)
        self.assertEqual((events["expected"], events["delivered"]), (put["ok"], put["ok"]))
        self.assertEqual(events["unexpected"] + events["duplicate"] + events["missing"], 0)
        self.assertEqual(len(report["events"]["delivered_for_failed_keys"]), min(20, timeouts))
        self.assertIn("delivered for failed operations (the server applied them): %d" % timeouts,
                      result.stdout)


REWRITES = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: again
  retries: 0
setup:
  buckets: [again]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 3s
phases:
  - name: first
    iterations: 150
    concurrency: 8
    flow:
      - put: {{ key: "r/{{iter}}", size: 64 }}
  - name: rewrite
    iterations: 150
    concurrency: 8
    flow:
      - put: {{ key: "r/{{iter}}", size: 64 }}
seed: 5
"""


class KeysWrittenAgainAfterAFailure(unittest.TestCase):
    def test_a_later_writes_event_is_its_own_not_the_failed_ones(self):
        # serve refuses a quarter of the PUTs with 503 before applying them (they fail on our side
        # with no event) and holds every answer 30 ms, so each event arrives before its answer.
        # The second phase writes the same keys again: the event of a key's second PUT used to be
        # charged to its failed first PUT (delivered_for_failed), and the second PUT reported
        # missing.
        hook = harness.free_port()
        serve = harness.EmbeddedServer("--notify", f"http://127.0.0.1:{hook}/", "--seed", "9",
                                       "--fault", "503:0.25", "--fault", "delay:30ms")
        try:
            with tempfile.TemporaryDirectory() as d:
                path = harness.write_scenario(d, REWRITES.format(endpoint=serve.endpoint,
                                                                  hook=hook))
                report_path = os.path.join(d, "report.json")
                result = harness.run_s3storm(["run", path, "--json", report_path, "--quiet"])
                report = harness.load_report(report_path)
        finally:
            serve.stop()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        first, rewrite = (harness.op(report, i, "put") for i in (0, 1))
        for put in (first, rewrite):
            self.assertGreater(put["errors_by_code"].get("SlowDown", 0), 20, put)
            self.assertEqual(put["errors"], put["errors_by_code"]["SlowDown"], put)
        events = report["events"]["by_type"]["ObjectCreated:Put"]
        ok = first["ok"] + rewrite["ok"]
        names = ("expected", "delivered", "missing", "delivered_for_failed", "unexpected",
                 "duplicate", "mismatched")
        counts = {name: events[name] for name in names}
        self.assertEqual(counts, dict(zip(names, (ok, ok, 0, 0, 0, 0, 0))))


if __name__ == "__main__":
    unittest.main()
