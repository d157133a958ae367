"""abort_on_fail: a threshold judged once a second during the run (after its delay) stops a run
that has already failed, like Ctrl-C: in-flight requests drain, the full report is written, the
threshold that stopped it is named, and the exit status is 1."""
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: failing
  retries: 0
setup:
  buckets: [failing]
phases:
  - name: storm
    duration: 30s
    rate: 200/s
    concurrency: 8
    flow:
      - put: {{ key: "f/{{worker}}-{{seq}}", size: 1KiB }}
thresholds:
  - {{ expr: "errors.rate < 0.05", abort_on_fail: true, delay: 1s }}
  - put.count > 0
seed: 9
"""


class AbortOnFail(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.json = os.path.join(self.dir.name, "report.json")

    def tearDown(self):
        self.dir.cleanup()

    def run_against(self, *serve_args, extra=()):
        with harness.EmbeddedServer(*serve_args) as server:
            path = harness.write_scenario(self.dir.name, SCENARIO.format(endpoint=server.endpoint))
            started = time.monotonic()
            r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet", *extra])
            return r, time.monotonic() - started

    def test_a_run_failing_from_the_start_stops_after_the_delay(self):
        r, took = self.run_against("--fault", "503:0.5", "--seed", "4")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        # Judged once a second from 1 s on: well before the 30 s the phase would last.
        self.assertLess(took, 12, r.stderr)
        self.assertRegex(r.stderr, r"stopped at \d+\.\ds: abort_on_fail threshold "
                                   r"'errors\.rate < 0\.05' failed \(measured [3-7]\d(\.\d+)?%\)")
        report = harness.load_report(self.json)
        put = report["phases"][0]["ops"]["put"]
        self.assertGreater(put["count"], 100)      # ran about a second at 200/s ...
        self.assertLess(put["count"], 200 * 10)    # ... and stopped long before 30 s
        self.assertGreater(put["errors"], 0)
        self.assertLess(report["phases"][0]["duration_s"], 10)
        verdicts = {t["expr"]: t["pass"] for t in report["thresholds"]}
        self.assertEqual(verdicts, {"errors.rate < 0.05": False, "put.count > 0": True})
        # The report itself says why the run is short, for whoever reads it later.
        self.assertRegex(report["stopped_by"], r"^abort_on_fail threshold 'errors\.rate < 0\.05' "
                                               r"failed at \d+\.\d s \(measured [3-7]\d(\.\d+)?%\)$")
        self.assertIn("Stopped early: abort_on_fail threshold", r.stdout)

    def test_a_healthy_run_is_not_stopped(self):
        r, took = self.run_against(
            extra=["--set", "phases.storm.duration=3s"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("stopped at", r.stderr)
        self.assertGreater(took, 3)
        report = harness.load_report(self.json)
        self.assertNotIn("stopped_by", report)
        self.assertGreater(report["phases"][0]["ops"]["put"]["count"], 400)


if __name__ == "__main__":
    unittest.main()
