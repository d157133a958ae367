"""A run stopped by a signal exits as shells report a signalled process (130 after SIGINT, 143
after SIGTERM) whatever its thresholds say, after writing every report, and the JSON says which
signal stopped it; `merge` refuses such a shard unless told --allow-partial. Every report also
says what produced it: tool version, endpoint, region, seed, threads, shard, and each phase's plan.
"""
import os
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

LONG = """
target:
  endpoint: embedded
  bucket: sig
setup:
  buckets: [sig]
phases:
  - name: storm
    duration: 60s
    rate: 100/s
    concurrency: 4
    flow:
      - put: { key: "s/{worker}-{seq}", size: 1KiB }
thresholds:
  - put.count > 0
seed: 77
"""

SHORT = """
target:
  endpoint: embedded
  bucket: meta
setup:
  buckets: [meta]
phases:
  - name: warm
    iterations: 40
    concurrency: 3
    flow:
      - put: { key: "m/{seq}", size: 512 }
seed: 1234567890123
"""


class RunSignals(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def interrupted_run(self, sig, name, extra=()):
        path = harness.write_scenario(self.dir.name, LONG)
        report = os.path.join(self.dir.name, name + ".json")
        junit = os.path.join(self.dir.name, name + ".xml")
        run = harness.Process([harness.BIN, "run", path, "--json", report, "--junit", junit,
                               "--quiet", "--threads", "2", *extra])
        time.sleep(2.5)  # setup done, load under way
        out, err = run.stop(sig, timeout=30)
        return run.proc.returncode, out, err, report, junit

    def test_sigterm_exits_143_with_every_report_written(self):
        code, out, err, report, junit = self.interrupted_run(signal.SIGTERM, "term")
        # The threshold passes (puts were made): the signal still decides the exit status.
        self.assertEqual(code, 143, out + err)
        self.assertIn("interrupted by SIGTERM", err)
        data = harness.load_report(report)
        self.assertEqual(data["interrupted_by"], "SIGTERM")
        self.assertIn("SIGTERM", data["stopped_by"])
        self.assertTrue(data["thresholds"][0]["pass"])
        self.assertGreater(data["phases"][0]["ops"]["put"]["count"], 0)
        self.assertTrue(os.path.getsize(junit) > 0)

    def test_sigint_exits_130(self):
        code, out, err, report, _ = self.interrupted_run(signal.SIGINT, "int")
        self.assertEqual(code, 130, out + err)
        self.assertEqual(harness.load_report(report)["interrupted_by"], "SIGINT")

    def test_merge_refuses_an_interrupted_shard_unless_allowed(self):
        code, out, err, first, _ = self.interrupted_run(signal.SIGTERM, "s0", ["--shard", "0/2"])
        self.assertEqual(code, 143, out + err)
        code, out, err, second, _ = self.interrupted_run(signal.SIGTERM, "s1", ["--shard", "1/2"])
        self.assertEqual(code, 143, out + err)
        merged = os.path.join(self.dir.name, "merged.json")
        r = harness.run_s3storm(["merge", first, second, "-o", merged])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"s0\.json: this shard was interrupted by SIGTERM .*"
                                   r"--allow-partial")
        self.assertFalse(os.path.exists(merged))
        r = harness.run_s3storm(["merge", first, second, "-o", merged, "--allow-partial"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        data = harness.load_report(merged)
        self.assertEqual(data["interrupted_by"], "SIGTERM")
        self.assertEqual(data["shards"], 2)
        # The shards' plans add back up to the scenario's phase.
        self.assertEqual(data["phases"][0]["plan"]["concurrency"], 4)
        self.assertAlmostEqual(data["phases"][0]["plan"]["rate_per_s"], 100)
        self.assertEqual(data["meta"]["shard"], "")

    def test_a_completed_run_says_what_produced_it(self):
        path = harness.write_scenario(self.dir.name, SHORT)
        report = os.path.join(self.dir.name, "meta.json")
        r = harness.run_s3storm(["run", path, "--json", report, "--quiet", "--threads", "2"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        data = harness.load_report(report)
        self.assertNotIn("interrupted_by", data)
        meta = data["meta"]
        version = harness.run_s3storm(["--version"]).stdout.split()[-1]
        self.assertEqual(meta["tool_version"], version)
        self.assertRegex(meta["endpoint"], r"^http://127\.0\.0\.1:\d+$")
        self.assertEqual(meta["region"], "us-east-1")
        self.assertEqual(meta["seed"], 1234567890123)
        self.assertEqual(meta["threads"], 2)
        self.assertEqual(meta["shard"], "")
        self.assertEqual(data["phases"][0]["plan"], {"concurrency": 3, "iterations": 40})
        # The text report says the same, for a reader without the JSON.
        self.assertIn("s3storm %s, endpoint %s, region us-east-1, seed 1234567890123, 2 threads"
                      % (version, meta["endpoint"]), r.stdout)
        self.assertIn("planned: concurrency 3, 40 iterations", r.stdout)


if __name__ == "__main__":
    unittest.main()
