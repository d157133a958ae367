"""Phases that run together (`with:`) and `--start-at`, through the binary: a group of phases
starts at one instant, each keeps its own rate, counts and plan, the next phase waits for the
whole group, and every event is matched; `with:` mistakes and bad `--start-at` values exit 2
naming the place; two shards given the same --start-at start together; a stop during the wait
sends no load."""
import os
import signal
import sys
import tempfile
import time
import unittest
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

# warm, then {writers, readers, heads} together, then after. Iteration-bound open loops, so the
# counts are exact and each phase lasts about 1.5 s at its own rate.
TOGETHER = """
target:
  endpoint: embedded
  bucket: together
setup:
  buckets: [together]
events:
  source: webhook
  listen: 127.0.0.1:0
  grace: 5s
phases:
  - name: warm
    iterations: 60
    concurrency: 4
    flow:
      - put: { key: "w/{iter}", size: 256 }
  - name: writers
    iterations: 150
    rate: 100/s
    concurrency: 32
    flow:
      - put: { key: "p/{iter}", size: 1KiB }
  - name: readers
    with: writers
    iterations: 60
    rate: 40/s
    concurrency: 16
    flow:
      - head: { key: "w/{iter}" }
  - name: heads
    with: readers
    iterations: 30
    concurrency: 2
    flow:
      - get: { key: "w/{iter}" }
  - name: after
    iterations: 10
    concurrency: 2
    flow:
      - put: { key: "a/{iter}", size: 128 }
thresholds:
  - phase.readers.errors == 0
seed: 17
"""

SHARDED = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: synced
setup:
  buckets: [synced]
phases:
  - name: puts
    iterations: 20
    concurrency: 2
    flow:
      - put: {{ key: "s/{{iter}}", size: 64 }}
seed: 3
"""


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def phase_named(report, name):
    return next(p for p in report["phases"] if p["name"] == name)


class PhasesTogether(unittest.TestCase):
    def test_a_group_starts_at_once_keeps_its_rates_and_the_next_phase_waits_for_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = harness.write_scenario(tmp, TOGETHER)
            json_path = os.path.join(tmp, "r.json")
            result = harness.run_s3storm(["run", path, "--json", json_path, "--threads", "2"])
            self.assertEqual(result.returncode, 0, result.stderr)
            report = harness.load_report(json_path)
            self.assertEqual([p["name"] for p in report["phases"]],
                             ["warm", "writers", "readers", "heads", "after"])
            warm, writers, readers, heads, after = (
                phase_named(report, n) for n in ("warm", "writers", "readers", "heads", "after"))
            # Exact counts, each in its own phase (an open-loop start no slot was free for is
            # counted as dropped: generous slots make that rare on a loaded machine).
            self.assertEqual(warm["ops"]["put"]["count"], 60)
            puts = writers["ops"]["put"]["count"]
            self.assertEqual(puts + writers["dropped"], 150)
            self.assertGreater(puts, 120)
            self.assertEqual(set(writers["ops"]), {"put"})
            self.assertEqual(readers["ops"]["head"]["count"] + readers["dropped"], 60)
            self.assertEqual(readers["ops"]["head"]["errors"], 0)
            self.assertEqual(heads["ops"]["get"]["count"], 30)
            self.assertEqual(heads["ops"]["get"]["errors"], 0)
            self.assertEqual(after["ops"]["put"]["count"], 10)
            # Each keeps its own plan.
            self.assertEqual(writers["plan"]["rate_per_s"], 100)
            self.assertEqual(readers["plan"]["rate_per_s"], 40)
            self.assertEqual(heads["plan"]["concurrency"], 2)
            self.assertEqual(writers["plan"]["concurrency"], 32)
            # The group starts at one instant, after warm ended.
            self.assertEqual(writers["started_s"], readers["started_s"])
            self.assertEqual(writers["started_s"], heads["started_s"])
            self.assertGreaterEqual(writers["started_s"],
                                    warm["started_s"] + warm["duration_s"] - 0.002)
            # Each open loop ran at its own rate (150 at 100/s, 60 at 40/s: about 1.5 s each).
            for phase, rate in ((writers, 100), (readers, 40)):
                op = phase["ops"].get("put") or phase["ops"]["head"]
                measured = (op["count"] + phase["dropped"]) / phase["duration_s"]
                self.assertGreater(measured, rate * 0.8, phase["name"])
                self.assertLess(measured, rate * 1.2, phase["name"])
            # The closed-loop phase of the group ended long before the others; `after` waited for
            # the last of them.
            self.assertLess(heads["duration_s"], writers["duration_s"])
            group_end = max(p["started_s"] + p["duration_s"] for p in (writers, readers, heads))
            self.assertGreaterEqual(after["started_s"], group_end - 0.002)
            # Every event of every phase matched.
            events = report["events"]["totals"]
            self.assertEqual(events["expected"], 60 + puts + 10)
            self.assertEqual(events["delivered"], events["expected"])
            self.assertEqual(events["missing"], 0)
            self.assertEqual(events["unexpected"], 0)
            # The text report says when each phase started.
            self.assertRegex(result.stdout, r"Phase readers \(started at \d+\.\d{3} s, ")

    def test_with_mistakes_exit_2_naming_the_place(self):
        cases = {
            "itself": ("  - name: b\n    with: b\n", "phase 'b': with: 'b' names the phase itself"),
            "later": ("  - name: b\n    with: c\n", "phase 'b': with: 'c' names a later phase"),
            "unknown": ("  - name: b\n    with: aa\n",
                        "phase 'b': with: 'aa' names no phase; did you mean 'a'?"),
        }
        phase_body = "    iterations: 1\n    flow: [{put: {key: k, size: 1}}]\n"
        for name, (b_head, message) in cases.items():
            with self.subTest(name), tempfile.TemporaryDirectory() as tmp:
                text = ("target: {endpoint: embedded, bucket: b-1}\nphases:\n"
                        "  - name: a\n" + phase_body + b_head + phase_body +
                        "  - name: c\n" + phase_body)
                path = harness.write_scenario(tmp, text, "t.yaml")
                result = harness.run_s3storm(["run", path, "--quiet"])
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"t.yaml:7:11: {message}", result.stderr)
                self.assertIn("nothing was sent", result.stderr)


NGINX = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: nullbucket
phases:
  - name: writers
    iterations: 80
    rate: 80/s
    concurrency: 16
    flow:
      - put: {{ key: "n/{{iter}}", size: 4KiB }}
  - name: readers
    with: writers
    iterations: 30
    rate: 30/s
    concurrency: 8
    flow:
      - get: {{ key: "n/{{iter}}" }}
  - name: heads
    with: writers
    iterations: 200
    concurrency: 4
    flow:
      - head: {{ key: "n/{{iter}}" }}
seed: 4
"""


class PhasesTogetherAgainstNginx(unittest.TestCase):
    def test_each_phase_of_a_group_keeps_its_own_rate_and_counts(self):
        with tempfile.TemporaryDirectory() as tmp, harness.Nginx() as nginx:
            path = harness.write_scenario(tmp, NGINX.format(endpoint=nginx.endpoint))
            json_path = os.path.join(tmp, "r.json")
            result = harness.run_s3storm(["run", path, "--json", json_path, "--quiet",
                                          "--threads", "2"])
            self.assertEqual(result.returncode, 0, result.stderr)
            report = harness.load_report(json_path)
        writers, readers, heads = report["phases"]
        self.assertEqual(writers["started_s"], readers["started_s"])
        self.assertEqual(writers["started_s"], heads["started_s"])
        for phase, op, planned, rate in ((writers, "put", 80, 80), (readers, "get", 30, 30)):
            self.assertEqual(phase["ops"][op]["count"] + phase["dropped"], planned)
            self.assertEqual(phase["ops"][op]["errors"], 0)
            self.assertEqual(set(phase["ops"]), {op})
            # Both about 1 s: each at its own rate, not the group's sum.
            self.assertGreater(phase["duration_s"], 0.9, phase["name"])
            self.assertLess(phase["duration_s"], 1.4, phase["name"])
        self.assertEqual(heads["ops"]["head"]["count"], 200)
        self.assertEqual(heads["plan"], {"concurrency": 4, "iterations": 200})


class StartAt(unittest.TestCase):
    def test_bad_values_exit_2_naming_the_flag(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = harness.write_scenario(tmp, TOGETHER)
            past = iso(datetime.now(timezone.utc) - timedelta(seconds=30))
            for value, message in ((past, "in the past"), ("17:00", "expected a UTC time"),
                                   ("+2 days", "--start-at +2 days"),
                                   ("+25h", "more than 24h from now")):
                with self.subTest(value):
                    result = harness.run_s3storm(["run", path, "--quiet", "--start-at", value])
                    self.assertEqual(result.returncode, 2, result.stderr)
                    self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                    self.assertIn(f"--start-at {value}", result.stderr)
                    self.assertIn(message, result.stderr)

    def test_two_shards_given_one_time_start_together_after_their_setup(self):
        with tempfile.TemporaryDirectory() as tmp, harness.EmbeddedServer() as serve:
            path = harness.write_scenario(tmp, SHARDED.format(endpoint=serve.endpoint))
            at = datetime.now(timezone.utc) + timedelta(seconds=2)
            at = at.replace(microsecond=(at.microsecond // 1000) * 1000)
            shards = []
            for i in range(2):
                json_path = os.path.join(tmp, f"shard{i}.json")
                shards.append((json_path, harness.Process(
                    [harness.BIN, "run", path, "--shard", f"{i}/2", "--json", json_path,
                     "--start-at", iso(at)],
                    env={**os.environ, "AWS_ACCESS_KEY_ID": "s3storm",
                         "AWS_SECRET_ACCESS_KEY": "s3storm-secret"})))
            reports = []
            for json_path, process in shards:
                process.proc.wait(timeout=30)
                _, err = process.stop()
                self.assertEqual(process.proc.returncode, 0, err)
                self.assertIn("waiting to start at " + iso(at), err)
                reports.append(harness.load_report(json_path))
            starts = [r["phases"][0]["started_epoch_s"] for r in reports]
            for start in starts:
                self.assertGreaterEqual(start, at.timestamp() - 0.001)
                self.assertLess(start, at.timestamp() + 0.2)
            self.assertLess(abs(starts[0] - starts[1]), 0.2)
            for report in reports:
                self.assertEqual(report["meta"]["start_at"], iso(at))
            self.assertEqual(sum(r["phases"][0]["ops"]["put"]["count"] for r in reports), 20)
            merged_path = os.path.join(tmp, "merged.json")
            merged = harness.run_s3storm(["merge", *[p for p, _ in shards], "-o", merged_path])
            self.assertEqual(merged.returncode, 0, merged.stderr)
            merged_report = harness.load_report(merged_path)
            self.assertEqual(merged_report["meta"]["start_at"], iso(at))
            self.assertIn("started_s", merged_report["phases"][0])

    def test_a_stop_during_the_wait_sends_no_load(self):
        with tempfile.TemporaryDirectory() as tmp, harness.EmbeddedServer() as serve:
            path = harness.write_scenario(tmp, SHARDED.format(endpoint=serve.endpoint))
            json_path = os.path.join(tmp, "r.json")
            run = harness.Process(
                [harness.BIN, "run", path, "--json", json_path, "--start-at", "+30s"],
                env={**os.environ, "AWS_ACCESS_KEY_ID": "s3storm",
                     "AWS_SECRET_ACCESS_KEY": "s3storm-secret"})
            # Setup done and the wait begun: the bucket exists.
            client = harness.boto3_client(serve.endpoint)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if any(b["Name"] == "synced" for b in client.list_buckets().get("Buckets", [])):
                    break
                time.sleep(0.05)
            time.sleep(0.3)
            started = time.monotonic()
            _, err = run.stop(signal.SIGTERM)
            self.assertLess(time.monotonic() - started, 5)
            self.assertEqual(run.proc.returncode, 143, err)
            self.assertIn("waiting to start at", err)
            report = harness.load_report(json_path)
            self.assertEqual(report["phases"], [])
            self.assertIn("SIGTERM", report["stopped_by"])
            self.assertEqual(client.list_objects_v2(Bucket="synced").get("KeyCount", 0), 0)


if __name__ == "__main__":
    unittest.main()
