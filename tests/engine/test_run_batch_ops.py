"""`delete_objects` and paged `list` as load, through the binary against the embedded target:
DeleteObjects takes what the run wrote in batches of N (one request per batch, nothing sent once
all is deleted) and each deleted key gets exactly one ObjectRemoved:Delete; a list step follows
the continuation token for at most `pages` pages, one `list` operation per page."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: embedded
  bucket: batches
setup:
  buckets: [batches]
events:
  source: webhook
  grace: 5s
phases:
  - name: write
    iterations: 250
    concurrency: 4
    flow:
      - put: { key: "d/{iter}", size: 100 }
  - name: list-all
    iterations: 2
    flow:
      - list: { prefix: "d/", max_keys: 100, pages: 5 }
  - name: list-two
    iterations: 3
    flow:
      - list: { prefix: "d/", max_keys: 40, pages: 2 }
  - name: delete
    iterations: 5
    flow:
      - delete_objects: { batch: 100 }
  - name: list-empty
    iterations: 1
    flow:
      - list: { prefix: "d/", pages: 3 }
  - name: mixed
    iterations: 60
    concurrency: 3
    mix:
      - { weight: 2, put: { key: "x/{iter}", size: 10 } }
      - { weight: 1, delete_objects: { batch: 7 } }
thresholds:
  - events.missing == 0
  - delete_objects.errors == 0
seed: 21
"""


class BatchOperations(unittest.TestCase):
    def test_delete_objects_and_list_counts_are_exact(self):
        with tempfile.TemporaryDirectory() as d:
            path = harness.write_scenario(d, SCENARIO)
            json_path = os.path.join(d, "report.json")
            r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            report = harness.load_report(json_path)
        phases = {p["name"]: p["ops"] for p in report["phases"]}
        # 250 keys in pages of 100: three pages per iteration, then the listing ends.
        self.assertEqual((phases["list-all"]["list"]["count"],
                          phases["list-all"]["list"]["errors"]), (6, 0))
        # Pages of 40, cut at two by `pages`.
        self.assertEqual(phases["list-two"]["list"]["count"], 6)
        # 100 + 100 + 50 keys; the last two iterations find nothing written left and send nothing.
        self.assertEqual((phases["delete"]["delete_objects"]["count"],
                          phases["delete"]["delete_objects"]["errors"]), (3, 0))
        self.assertEqual(phases["list-empty"]["list"]["count"], 1)  # one empty page
        mixed = phases["mixed"]
        puts = mixed["put"]["ok"]
        batches = mixed.get("delete_objects", {}).get("count", 0)
        self.assertEqual(mixed["put"]["errors"], 0)
        self.assertGreater(batches, 0)
        removed = report["events"]["by_type"]["ObjectRemoved:Delete"]
        created = report["events"]["by_type"]["ObjectCreated:Put"]
        self.assertEqual((created["expected"], created["delivered"], created["missing"]),
                         (250 + puts, 250 + puts, 0))
        # Exactly one event per deleted key: 250, and in the mix at most 7 per batch of what the
        # mix had written by then.
        self.assertGreaterEqual(removed["expected"], 250 + 1)
        self.assertLessEqual(removed["expected"], 250 + min(puts, 7 * batches))
        self.assertEqual((removed["delivered"], removed["missing"], removed["unexpected"],
                          removed["duplicate"]), (removed["expected"], 0, 0, 0))
        self.assertTrue(all(t["pass"] for t in report["thresholds"]), report["thresholds"])


if __name__ == "__main__":
    unittest.main()
