"""`s3storm report RUN.json --html` on a real run against the embedded target, opened in headless
Chromium (Debian chromium + chromium-driver, driven by python3-selenium): every chart renders
with visible marks inside its frame, the page makes no network request, and it reads in both
light and dark colour schemes. Screenshots go to the directory given as the first argument.

Without Chromium or Selenium this test fails: it is the only check that the charts render."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

from selenium import webdriver  # noqa: E402  (an ImportError here is a failure, on purpose)
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

SHOTS = sys.argv.pop(1) if len(sys.argv) > 1 else tempfile.gettempdir()
CHROMEDRIVER = "/usr/bin/chromedriver"

# Two phases: one short burst, one paced with failing GETs so the errors chart has bars; events
# on, so the delivery latency chart has curves.
SCENARIO = """
target:
  endpoint: embedded
  credentials: { access_key: s3storm, secret_key: s3storm-secret }
  bucket: html
setup:
  buckets: [html]
  notifications:
    - bucket: html
      events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
      webhook: true
events:
  source: webhook
  listen: 127.0.0.1:0
  grace: 1s
phases:
  - name: burst
    iterations: 10
    concurrency: 2
    flow:
      - put: { key: "h/{worker}-{seq}", size: 1KiB }
      - delete: { key: last }
  - name: paced
    duration: 3s
    iterations: 90
    concurrency: 4
    rate: 30/s
    mix:
      - { weight: 70, put: { key: "s/{worker}-{seq}", size: 2KiB } }
      - { weight: 30, get: { key: "absent/{seq}" } }
thresholds:
  - put.p99 < 60s
seed: 5
"""

# Runs in the page: for every chart, its box and the boxes/lengths of its data marks.
MEASURE = """
return Array.from(document.querySelectorAll('svg.chart')).map(svg => {
  const frame = svg.getBoundingClientRect();
  const marks = Array.from(svg.querySelectorAll('.data')).map(el => {
    const r = el.getBoundingClientRect();
    return {tag: el.tagName, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
            width: r.width, height: r.height,
            length: el.getTotalLength ? el.getTotalLength() : 0};
  });
  const labels = Array.from(svg.querySelectorAll('text')).filter(t => {
    const b = t.getBBox(); return b.width > 0 && b.height > 0; }).length;
  return {empty: svg.classList.contains('empty'),
          heading: svg.closest('figure').previousElementSibling.textContent,
          section: svg.closest('section').id,
          frame: {left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom,
                  width: frame.width, height: frame.height},
          marks: marks, labels: labels};
});
"""


def browser():
    if not os.path.exists(CHROMEDRIVER):
        raise RuntimeError(f"{CHROMEDRIVER} is missing: install chromium-driver (scripts/setup.sh)")
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,900", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


class HtmlReportInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        scenario = harness.write_scenario(d, SCENARIO, "html.yaml")
        cls.json = os.path.join(d, "run.json")
        run = harness.run_s3storm(["run", scenario, "--json", cls.json, "--quiet"], timeout=120)
        if run.returncode != 0:
            raise RuntimeError(f"s3storm run exited {run.returncode}: {run.stdout}{run.stderr}")
        cls.html = os.path.join(d, "out", "report.html")
        rendered = harness.run_s3storm(["report", cls.json, "--html", cls.html], timeout=60)
        if rendered.returncode != 0:
            raise RuntimeError(f"s3storm report exited {rendered.returncode}: {rendered.stderr}")
        cls.driver = browser()
        cls.driver.set_page_load_timeout(60)
        cls.url = "file://" + cls.html
        cls.driver.get(cls.url)
        cls.charts = cls.driver.execute_script(MEASURE)
        cls.requests = [json.loads(entry["message"])["message"]
                        for entry in cls.driver.get_log("performance")]

    @classmethod
    def tearDownClass(cls):
        driver = getattr(cls, "driver", None)
        if driver is not None:
            driver.quit()
        cls.tmp.cleanup()

    def test_the_run_report_has_every_chart(self):
        report = harness.load_report(self.json)
        self.assertGreater(report["events"]["totals"]["delivered"], 0, "the run must have events")
        headings = [(c["section"], c["heading"]) for c in self.charts]
        for section in ("phase-1", "phase-2", "all-phases"):
            for heading in ("Throughput over time", "Latency over time", "Latency distribution"):
                self.assertIn((section, heading), headings)
        self.assertIn(("phase-2", "Errors over time"), headings)
        self.assertIn(("events", "Delivery latency distribution"), headings)
        for heading in ("Events over time", "Delivery backlog over time",
                        "Delivery latency over time"):
            self.assertIn(("events", heading), headings)
        self.assertEqual([c for c in self.charts if c["empty"]], [])

    def test_every_chart_renders_visible_marks_inside_its_frame(self):
        self.assertGreaterEqual(len(self.charts), 11)
        for chart in self.charts:
            where = f'{chart["section"]}: {chart["heading"]}'
            frame = chart["frame"]
            self.assertGreater(frame["width"], 100, where)
            self.assertGreater(frame["height"], 50, where)
            self.assertGreater(chart["labels"], 4, f"{where}: tick labels render")
            self.assertTrue(chart["marks"], f"{where}: no data marks")
            visible = 0
            for mark in chart["marks"]:
                for edge in ("left", "top"):
                    self.assertGreaterEqual(mark[edge], frame[edge] - 1, f"{where}: {mark}")
                for edge in ("right", "bottom"):
                    self.assertLessEqual(mark[edge], frame[edge] + 1, f"{where}: {mark}")
                if mark["tag"] == "polyline":
                    self.assertGreater(mark["length"], 0, f"{where}: a zero-length line")
                visible += mark["width"] > 0 or mark["height"] > 0
            self.assertGreater(visible, 0, where)
        lines = [m for c in self.charts for m in c["marks"] if m["tag"] == "polyline"]
        bars = [m for c in self.charts for m in c["marks"] if m["tag"] == "rect"]
        self.assertGreater(len(lines), 10)
        self.assertTrue(any(b["height"] > 5 for b in bars), "error bars have height")

    def test_charts_use_the_full_width_and_show_p99_over_time(self):
        body = self.driver.execute_script(
            "const r = document.querySelector('section.phase').getBoundingClientRect();"
            "return r.width;")
        for chart in self.charts:
            where = f'{chart["section"]}: {chart["heading"]}'
            self.assertGreater(chart["frame"]["width"], 0.95 * body, where)
        titles = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('#phase-2 svg.chart polyline title'))"
            ".map(t => t.textContent);")
        self.assertIn("put p99", titles)
        self.assertIn("put max", titles)
        # Events per second: the expected and delivered lines, from the run's real events.
        report = harness.load_report(self.json)
        per_second = report["events"]["per_second"]
        self.assertEqual(sum(per_second["expected"]["count"]),
                         report["events"]["totals"]["expected"])
        self.assertEqual(sum(per_second["delivered"]["count"]),
                         report["events"]["totals"]["delivered"])
        all_row = self.driver.execute_script(
            "const row = Array.from(document.querySelectorAll('#phase-2 table.ops tr'))"
            ".find(r => r.cells[0].textContent === 'all');"
            "return row ? Array.from(row.cells).map(c => c.textContent) : null;")
        self.assertIsNotNone(all_row, "the paced phase (put and get) has an all-operations row")
        ops = report["phases"][1]["ops"]
        self.assertEqual(int(all_row[1]), ops["put"]["count"] + ops["get"]["count"])

    def test_the_page_makes_no_network_request(self):
        urls = [m["params"]["request"]["url"] for m in self.requests
                if m["method"] == "Network.requestWillBeSent"]
        self.assertIn(self.url, urls, "the performance log saw the page itself")
        self.assertEqual([u for u in urls if u != self.url], [])
        resources = self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        self.assertEqual(resources, [])

    def test_light_and_dark_schemes_and_screenshots(self):
        backgrounds = {}
        for scheme in ("light", "dark"):
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
                "features": [{"name": "prefers-color-scheme", "value": scheme}]})
            self.driver.get(self.url)
            backgrounds[scheme] = self.driver.execute_script(
                "return getComputedStyle(document.body).backgroundColor")
            height = self.driver.execute_script("return document.body.scrollHeight")
            self.driver.set_window_size(1200, min(height + 40, 16000))
            path = os.path.join(SHOTS, f"html_report_{scheme}.png")
            self.assertTrue(self.driver.save_screenshot(path), path)
            self.assertGreater(os.path.getsize(path), 10_000)
        self.assertEqual(backgrounds["light"], "rgb(255, 255, 255)")
        self.assertEqual(backgrounds["dark"], "rgb(22, 24, 28)")


if __name__ == "__main__":
    unittest.main()
