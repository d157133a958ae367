"""Outages on purpose (events.outages) through `s3storm run` against `s3storm serve --notify`:
the run's own webhook refuses connections, answers 503, or holds deliveries unanswered for a few
seconds while an open-loop phase keeps writing. serve retries each POST 8 times with backoff
(about 2 s in all), so the events of the outage's first seconds are lost and the rest arrive late.
The report must say exactly how many were lost (serve's own count of POSTs it gave up on), how
many came late, and when the backlog drained, in JSON, text and after `merge`."""
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
  bucket: outage
setup:
  buckets: [outage]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 15s
  outages:
    - {{at: 2s, for: 4s, mode: MODE}}
phases:
  - name: writes
    duration: 9s
    rate: 300/s
    concurrency: 32
    flow:
      - put: {{ key: "k/{{worker}}-{{seq}}", size: 16 }}
thresholds:
  - events.outage_recovery < 30s
"""


def serve_failed(serve_err):
    return int(re.search(r"events \d+ emitted, \d+ delivered, (\d+) failed", serve_err).group(1))


class Outages(unittest.TestCase):
    def run_outage(self, d, mode):
        result, events, serve_err = harness.run_against_serve(
            d, SCENARIO.replace("MODE", mode))
        self.assertIn(result.returncode, (0, 1), result.stdout + result.stderr)
        self.assertEqual(len(events["outages"]), 1, events)
        outage = events["outages"][0]
        self.assertEqual((outage["mode"], outage["at_s"], outage["for_s"]), (mode, 2, 4))
        totals = events["totals"]
        failed = serve_failed(serve_err)
        # Exact: what serve gave up on is what the run calls lost, and nothing else is missing.
        self.assertEqual(outage["lost"], failed, serve_err)
        self.assertEqual(totals["missing"], failed)
        self.assertEqual(totals["delivered"] + totals["missing"], totals["expected"])
        self.assertEqual(totals["unexpected"], 0)
        self.assertGreater(outage["late"], 0)
        self.assertGreaterEqual(outage["recovered_s"], outage["first_event_s"])
        self.assertGreaterEqual(outage["first_event_s"], 0)
        self.assertIn(f"outage {mode} at 2s for 4s: {outage['late']} delivered late, "
                      f"{outage['lost']} lost", result.stdout)
        return result, outage, totals, failed

    def test_503_loses_what_serve_gave_up_on(self):
        with tempfile.TemporaryDirectory() as d:
            _, outage, _, failed = self.run_outage(d, "503")
        # Four seconds of 503s outlast serve's ~2 s of retries: the first events are lost.
        self.assertGreater(failed, 0)
        self.assertEqual(outage["duplicated"], 0)

    def test_refuse_closes_the_listener(self):
        with tempfile.TemporaryDirectory() as d:
            _, outage, _, failed = self.run_outage(d, "refuse")
        self.assertGreater(failed, 0)

    def test_stall_delivers_everything_late_and_merges(self):
        with tempfile.TemporaryDirectory() as d:
            result, outage, totals, failed = self.run_outage(d, "stall")
            # A held POST is not a failed one (serve waits 5 s for an answer): nothing is lost.
            self.assertEqual(failed, 0)
            self.assertEqual(totals["missing"], 0)
            self.assertEqual(result.returncode, 0, result.stdout)
            # Two shards' worth of the same report: the counts add up, times take the longest.
            report = os.path.join(d, "report.json")
            merged_path = os.path.join(d, "merged.json")
            merged = harness.run_s3storm(["merge", report, report, "-o", merged_path])
            self.assertEqual(merged.returncode, 0, merged.stdout + merged.stderr)
            with open(merged_path) as f:
                both = json.load(f)["events"]["outages"][0]
        self.assertEqual(both["late"], 2 * outage["late"])
        self.assertEqual(both["recovered_s"], outage["recovered_s"])
        self.assertEqual(both["mode"], "stall")

    def test_outages_need_the_run_s_own_webhook(self):
        with tempfile.TemporaryDirectory() as d:
            path = harness.write_scenario(d, """\
target: {endpoint: "http://127.0.0.1:9", bucket: b}
events:
  source: sqs
  sqs: {queue_url: "http://127.0.0.1:9/000000000000/q"}
  outages: [{at: 1s, for: 1s, mode: refuse}]
phases:
  - {name: p, iterations: 1, flow: [{put: {key: k, size: 1}}]}
""")
            result = harness.run_s3storm(["validate", path])
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r"scenario\.yaml:5:\d+: .*'outages' needs source: webhook")


if __name__ == "__main__":
    unittest.main()
