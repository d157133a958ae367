"""Without an event source no event is expected, so every events.* threshold would hold
("events.missing == 0" always passes). `run` refuses such a threshold before sending anything:
from the scenario with its file:line:column, from --threshold naming the flag; exit 2. `report`
and `merge` refuse one on a saved report whose run checked no events the same way."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """target:
  endpoint: {endpoint}
  bucket: quiet
setup:
  buckets: [quiet]
phases:
  - name: p
    iterations: 3
    flow:
      - put: {{key: "k-{{seq}}", size: 16}}
thresholds:
  - put.count == 3
{extra}"""


class RunEventThresholds(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.serve = harness.EmbeddedServer()
        self.s3 = harness.boto3_client(self.serve.endpoint)

    def tearDown(self):
        self.serve.stop()
        self.dir.cleanup()

    def run_scenario(self, extra="", args=()):
        path = harness.write_scenario(
            self.dir.name, SCENARIO.format(endpoint=self.serve.endpoint, extra=extra))
        return path, harness.run_s3storm(["run", path, "--quiet", *args], timeout=60)

    def bucket_names(self):
        return [b["Name"] for b in self.s3.list_buckets().get("Buckets", [])]

    def test_the_same_run_without_an_events_threshold_sends_and_passes(self):
        _, result = self.run_scenario()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.bucket_names(), ["quiet"])

    def test_a_scenario_threshold_on_events_is_refused_at_its_line_and_column(self):
        path, result = self.run_scenario(
            "  - events.missing == 0\n  - {expr: \"events.delivery.p99 < 1s\"}\n")
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        why = ("measures events, but events.source is none (no event is expected, so it would "
               "always hold): set events.source, or drop it")
        self.assertEqual(result.stderr.splitlines(), [
            f"{path}:13:5: threshold 'events.missing == 0' {why}",
            f"{path}:14:12: threshold 'events.delivery.p99 < 1s' {why}",
            f"{path}: 2 problem(s) found; nothing was sent",
        ])
        self.assertEqual(self.bucket_names(), [])

    def test_a_command_line_threshold_on_events_is_refused_naming_the_flag(self):
        _, result = self.run_scenario(args=("--threshold", "events.unexpected == 0"))
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("--threshold 'events.unexpected == 0' measures events, but events.source "
                      "is none", result.stderr)
        self.assertEqual(self.bucket_names(), [])

    def test_set_events_source_none_refuses_the_scenarios_events_thresholds(self):
        # Overrides are applied before the thresholds are read.
        path, result = self.run_scenario(
            "  - events.missing == 0\nevents: {source: webhook, listen: \"127.0.0.1:0\"}\n",
            args=("--set", "events.source=none"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(f"{path}:13:5: threshold 'events.missing == 0' measures events",
                      result.stderr)
        self.assertEqual(self.bucket_names(), [])


    def test_report_and_merge_refuse_an_events_threshold_on_a_run_without_events(self):
        report = os.path.join(self.dir.name, "run.json")
        _, result = self.run_scenario(args=("--json", report))
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in (["report", report, "--text"],
                        ["merge", report, "-o", os.path.join(self.dir.name, "all.json")]):
            refused = harness.run_s3storm([*command, "--threshold", "events.missing == 0"],
                                          timeout=60)
            self.assertEqual(refused.returncode, 2, refused.stdout + refused.stderr)
            self.assertIn("--threshold 'events.missing == 0' measures events, but "
                          "events.source is none", refused.stderr)
            judged = harness.run_s3storm([*command, "--threshold", "put.count == 3"], timeout=60)
            self.assertEqual(judged.returncode, 0, judged.stdout + judged.stderr)


if __name__ == "__main__":
    unittest.main()
