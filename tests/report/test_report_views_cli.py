"""`s3storm run --junit`, `s3storm report` and `s3storm compare` on reports of real runs against
the embedded target: the JUnit XML is well formed and counts what the run judged, every view comes
from the saved JSON, and compare's exit status follows the limit."""
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

# Closed loop as fast as it goes, or open loop at a crawl: the same phase, far apart in rate.
SCENARIO = """
target:
  endpoint: embedded
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: views
setup:
  buckets: [views]
phases:
  - name: load
    iterations: {iterations}
    concurrency: 4
{rate}    flow:
      - put: {{ key: "v/{{worker}}-{{seq}}", size: 256 }}
      - get: {{ key: last }}
thresholds:
  - errors.count == 0
  - put.p99 < 60s
  - put.count > 1000000
report:
  junit: {junit}
seed: 11
"""


def run(*args):
    return harness.run_s3storm(list(args), timeout=120)


class ReportViews(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.fast_json, cls.slow_json = os.path.join(d, "fast.json"), os.path.join(d, "slow.json")
        cls.fast_junit = os.path.join(d, "from-scenario", "fast.xml")
        cls.slow_junit = os.path.join(d, "from-flag.xml")
        cls.slow_html = os.path.join(d, "html-from-run", "slow.html")
        fast = harness.write_scenario(d, SCENARIO.format(
            iterations=300, rate="", junit=cls.fast_junit), "fast.yaml")
        slow = harness.write_scenario(d, SCENARIO.format(
            iterations=15, rate="    rate: 15/s\n", junit="unused.xml"), "slow.yaml")
        cls.fast_run = run("run", fast, "--json", cls.fast_json, "--quiet")
        # --junit wins over the scenario's report.junit.
        cls.slow_run = run("run", slow, "--json", cls.slow_json, "--junit", cls.slow_junit,
                           "--html", cls.slow_html, "--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def read(self, path):
        with open(path, encoding="utf-8") as f:
            return f.read()

    def test_runs_exit_1_on_the_failed_threshold_and_write_junit(self):
        for r in (self.fast_run, self.slow_run):
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertTrue(os.path.exists(self.fast_junit), "report.junit from the scenario")
        self.assertTrue(os.path.exists(self.slow_junit), "--junit")
        self.assertFalse(os.path.exists(os.path.join(os.getcwd(), "unused.xml")))

    def test_run_html_is_the_same_page_as_report_html_of_its_json(self):
        again = self.path("again.html")
        r = run("report", self.slow_json, "--html", again)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.read(self.slow_html), self.read(again))

    def check_junit(self, path):
        root = ET.parse(path).getroot()
        self.assertEqual(root.tag, "testsuites")
        suites = root.findall("testsuite")
        self.assertEqual(len(suites), 1)
        suite = suites[0]
        cases = suite.findall("testcase")
        self.assertEqual(int(suite.get("tests")), 4)  # three thresholds, one phase
        self.assertEqual(len(cases), 4)
        self.assertEqual(int(suite.get("failures")), 1)
        self.assertEqual(int(root.get("failures")), 1)
        self.assertGreater(float(suite.get("time")), 0)
        by_name = {c.get("name"): c for c in cases}
        self.assertEqual(set(by_name), {"errors.count == 0", "put.p99 < 60s",
                                        "put.count > 1000000", "load errors"})
        self.assertIsNone(by_name["errors.count == 0"].find("failure"))
        self.assertIsNone(by_name["put.p99 < 60s"].find("failure"))
        self.assertIsNone(by_name["load errors"].find("failure"))
        failure = by_name["put.count > 1000000"].find("failure")
        self.assertIsNotNone(failure)
        self.assertRegex(failure.get("message"), r"^measured \d+$")
        for case in cases:
            self.assertTrue(case.get("classname").endswith((".thresholds", ".phases")))
            float(case.get("time"))

    def test_junit_written_by_run_is_well_formed_and_counts_verdicts(self):
        self.check_junit(self.fast_junit)
        self.check_junit(self.slow_junit)
        self.assertIn("put.p99 &lt; 60s", self.read(self.fast_junit))

    def test_report_renders_the_same_junit_from_the_saved_json(self):
        out = self.path("again/junit.xml")
        r = run("report", self.fast_json, "--junit", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")  # a file was asked for, and no --text
        self.assertEqual(self.read(out), self.read(self.fast_junit))
        self.check_junit(out)

    def test_report_prints_text_by_default_and_with_text(self):
        r = run("report", self.fast_json)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Phase load", r.stdout)
        self.assertIn("FAIL  put.count > 1000000", r.stdout)
        out = self.path("text.xml")
        r2 = run("report", self.fast_json, "--text", "--junit", out)
        self.assertEqual(r2.returncode, 0, r2.stderr)
        self.assertEqual(r2.stdout, r.stdout)
        self.assertTrue(os.path.exists(out))

    def test_report_rewrites_the_json_unchanged(self):
        out = self.path("copy.json")
        r = run("report", self.slow_json, "--json", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read(out), self.read(self.slow_json))

    def assert_usage_error(self, r, *needles):
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        for needle in needles:
            self.assertIn(needle, lines[0])

    def test_report_html_is_written_beside_other_views(self):
        junit, html = self.path("views.xml"), self.path(os.path.join("html", "deep", "r.html"))
        r = run("report", self.fast_json, "--html", html, "--junit", junit)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "", "writing files prints no text report unless --text")
        ET.parse(junit)
        page = self.read(html)
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn("s3storm report: ", page)
        self.assertIn('<section class="phase" id="phase-1"><h2>Phase load</h2>', page)
        self.assertIn("<td>put</td>", page)
        # The page must not reach out: no script, no external URL in any attribute.
        self.assertNotIn("<script", page)
        self.assertNotRegex(page, r'(src|href)="(https?:)?//')
        self.assertEqual(page.count("<svg"), page.count("</svg>"))

    def test_report_html_to_an_unwritable_path_is_a_usage_error(self):
        blocker = self.path("a-file")
        with open(blocker, "w") as f:
            f.write("x")
        target = os.path.join(blocker, "r.html")
        self.assert_usage_error(run("report", self.fast_json, "--html", target), target)

    def test_report_of_a_missing_or_broken_file_is_a_usage_error(self):
        self.assert_usage_error(run("report", self.path("nope.json")), "nope.json")
        broken = self.path("broken.json")
        with open(broken, "w") as f:
            f.write("{\"version\": 1, ")
        self.assert_usage_error(run("report", broken), "broken.json")

    def test_compare_a_report_with_itself_shows_no_change(self):
        r = run("compare", self.fast_json, self.fast_json, "--max-regression", "0%")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Phase load", r.stdout)
        for column in ("ops/s", "p50", "p90", "p99", "p99.9"):
            self.assertIn(column, r.stdout)
        self.assertIn("No regression beyond 0%", r.stdout)
        self.assertNotIn("REGRESSION", r.stdout)

    def test_compare_tight_limit_flags_the_slow_run(self):
        # Open loop at 15/s against a closed loop on loopback: the rate falls by far more than 50%.
        r = run("compare", self.fast_json, self.slow_json, "--max-regression", "50%")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("REGRESSION", r.stdout)
        self.assertRegex(r.stdout, r"regression\(s\) beyond 50%: .*load put ops/s -")

    def test_compare_loose_limit_passes(self):
        r = run("compare", self.fast_json, self.slow_json, "--max-regression", "1000000%")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("No regression beyond 1000000%", r.stdout)

    def test_compare_bad_input_is_a_usage_error(self):
        self.assert_usage_error(
            run("compare", self.fast_json, self.slow_json, "--max-regression", "10"),
            "--max-regression", "10%")
        self.assert_usage_error(run("compare", self.fast_json, self.path("gone.json")),
                                "gone.json")


if __name__ == "__main__":
    unittest.main()
