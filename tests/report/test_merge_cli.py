"""`s3storm merge`: shards' JSON reports add up exactly; bad input is one line and exit 2."""
import json
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["S3STORM_BIN"]
DATA = os.path.join(os.environ["S3STORM_SOURCE_DIR"], "tests", "report", "data")
SHARDS = [os.path.join(DATA, "shard_0of2.json"), os.path.join(DATA, "shard_1of2.json")]
WHOLE = os.path.join(DATA, "whole.json")


def run(*args):
    return subprocess.run([BIN, "merge", *args], capture_output=True, text=True, timeout=60)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class MergeCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, name, document):
        with open(self.path(name), "w", encoding="utf-8") as f:
            json.dump(document, f)
        return self.path(name)

    def test_merged_shards_equal_the_whole_run(self):
        out = self.path("all.json")
        r = run(*SHARDS, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 shards merged", r.stdout)
        self.assertIn("Phase storm", r.stdout)
        merged, whole = load(out), load(WHOLE)
        self.assertEqual(merged["shards"], 2)
        self.assertEqual(merged["thresholds"], [])
        # The whole run lists its first 20 keys in run order, shards in shard order: same set.
        for field in ("missing_keys", "unexpected_keys"):
            self.assertEqual(sorted(merged["events"][field]), sorted(whole["events"][field]))
            merged["events"][field] = whole["events"][field]
        merged["shards"], merged["thresholds"] = whole["shards"], whole["thresholds"]
        self.assertEqual(merged, whole)  # percentiles included: they come from added histograms

    def test_histogram_buckets_are_added(self):
        out = self.path("all.json")
        self.assertEqual(run(*SHARDS, "-o", out).returncode, 0)
        totals = {}
        for shard in SHARDS:
            for index, count in load(shard)["phases"][1]["ops"]["put"]["histogram"]["counts"]:
                totals[index] = totals.get(index, 0) + count
        merged = load(out)["phases"][1]["ops"]["put"]["histogram"]
        self.assertEqual({i: c for i, c in merged["counts"]}, totals)
        self.assertEqual(merged["count"], sum(totals.values()) + merged["overflow"])

    def test_merging_one_report_rewrites_it_unchanged(self):
        out = self.path("same.json")
        self.assertEqual(run(WHOLE, "-o", out).returncode, 0)
        with open(out, encoding="utf-8") as a, open(WHOLE, encoding="utf-8") as b:
            self.assertEqual(a.read(), b.read())

    def test_without_output_only_prints(self):
        r = run(*SHARDS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Events (source: webhook)", r.stdout)

    def assert_usage_error(self, r, *needles):
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        for needle in needles:
            self.assertIn(needle, lines[0])

    def test_another_scenario_is_refused_naming_the_file(self):
        other = load(SHARDS[1])
        other["scenario"] = "different"
        path = self.write("other.json", other)
        self.assert_usage_error(run(SHARDS[0], path), path, 'scenario "different"')

    def test_other_phases_are_refused(self):
        other = load(SHARDS[1])
        other["phases"][0]["name"] = "renamed"
        path = self.write("renamed.json", other)
        self.assert_usage_error(run(SHARDS[0], path), path, '"renamed"')

    def test_not_json_is_refused_naming_the_file(self):
        path = self.path("garbage.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write("this is not json")
        self.assert_usage_error(run(SHARDS[0], path), path, "not valid JSON")

    def test_corrupt_histogram_is_refused_with_its_place(self):
        bad = load(SHARDS[1])
        bad["phases"][1]["ops"]["put"]["histogram"]["count"] += 1
        path = self.write("corrupt.json", bad)
        self.assert_usage_error(run(SHARDS[0], path), path, "phases[1].ops.put.histogram")

    def test_missing_file_is_refused(self):
        missing = self.path("nope.json")
        self.assert_usage_error(run(SHARDS[0], missing), missing)

    def test_unwritable_output_is_refused(self):
        out = os.path.join(self.tmp.name, "no-such-dir", "all.json")
        self.assert_usage_error(run(*SHARDS, "-o", out), out)

    def test_no_reports_is_a_usage_error(self):
        self.assertEqual(run().returncode, 2)


if __name__ == "__main__":
    unittest.main()
