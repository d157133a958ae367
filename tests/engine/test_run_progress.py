"""The progress line through a whole run, on stderr (not a terminal: a plain line per stage and
every 5 s): setup, each phase with i/N, time left or % of iterations, live p99 and events missing,
the wait for late events, and cleanup. Cleanup deletes with DeleteObjects (1,000 keys a request,
one DELETE per key where the server has none) and reports what it deleted."""
import http.server
import os
import re
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  bucket: tidy
setup:
  buckets: [tidy]
  cleanup: true
events:
  source: webhook
  listen: 127.0.0.1:{webhook_port}
  grace: 2s
phases:
  - name: fill
    iterations: 1500
    concurrency: 8
    flow:
      - put: {{ key: "p/{{worker}}-{{seq}}", size: 1KiB }}
  - name: soak
    duration: 1s
    concurrency: 4
    flow:
      - put: {{ key: "q/{{worker}}-{{seq}}", size: 1KiB }}
seed: 5
"""

LINE = re.compile(r"^\[ *\d+\.\ds\] (.*)$")


class ProgressThroughTheRun(unittest.TestCase):
    def run_against(self, *serve_args):
        webhook_port = harness.free_port()
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer(
                "--notify", f"http://127.0.0.1:{webhook_port}/", *serve_args) as server:
            path = harness.write_scenario(d, SCENARIO.format(endpoint=server.endpoint,
                                                             webhook_port=webhook_port))
            report_path = os.path.join(d, "report.json")
            r = harness.run_s3storm(["run", path, "--json", report_path, "--threads", "2"])
            self.assertIn(r.returncode, (0, 1), r.stderr)
            report = harness.load_report(report_path)
            boto = harness.boto3_client(server.endpoint)
            left = boto.list_objects_v2(Bucket="tidy").get("KeyCount", 0)
        lines = [LINE.match(l).group(1) for l in r.stderr.splitlines() if LINE.match(l)]
        return r, report, lines, left

    def test_every_stage_has_its_line_and_cleanup_deletes_everything(self):
        # The target loses a fifth of the events, so the run waits out its grace period.
        r, report, lines, left = self.run_against("--fault", "event-drop:0.2", "--seed", "3")
        text = "\n".join(lines)
        self.assertRegex(lines[0], r"^setup: 1 bucket\(s\)", text)
        fill = [l for l in lines if l.startswith("phase 1/2 fill ")]
        soak = [l for l in lines if l.startswith("phase 2/2 soak ")]
        self.assertTrue(fill and soak, text)
        self.assertRegex(fill[0], r" 0% of 1500 \|")
        self.assertRegex(fill[-1], r" 100% of 1500 \| .* 1500 done ")  # the line as it ended
        self.assertRegex(soak[0], r" [01]s left \|")
        for l in fill + soak:
            self.assertRegex(l, r"ops/s +\d+ in flight +\d+ done +\d+ errors +p99 (-|[\d.]+m?s) +\d+ events missing$")
        waiting = [l for l in lines if l.startswith("events: waiting for ")]
        self.assertTrue(waiting, text)
        m = re.match(r"events: waiting for (\d+) events, ([0-2]) s left$", waiting[0])
        self.assertTrue(m, waiting[0])
        self.assertGreater(int(m.group(1)), 0)
        self.assertTrue(any(l.startswith("cleanup: ") for l in lines), text)
        puts = sum(p["ops"]["put"]["ok"] for p in report["phases"])
        self.assertGreaterEqual(puts, 1500)
        self.assertEqual(lines[-1], f"cleanup: done, {puts} objects deleted")
        self.assertEqual(report["cleanup"], {"deleted": puts, "failed": 0})
        self.assertEqual(left, 0)
        self.assertGreater(report["events"]["by_type"]["ObjectCreated:Put"]["missing"], 0)
        self.assertIn(f"Cleanup: {puts} objects deleted", r.stdout)

    def test_quiet_prints_no_progress(self):
        with tempfile.TemporaryDirectory() as d:
            path = harness.write_scenario(d, """
target: {endpoint: embedded, bucket: quiet}
setup: {buckets: [quiet]}
phases:
  - name: one
    iterations: 20
    concurrency: 2
    flow:
      - put: { key: "k/{seq}", size: 1KiB }
""")
            r = harness.run_s3storm(["run", path, "--quiet"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotRegex(r.stderr, r"\[ *\d+\.\ds\]")


class WithoutDeleteObjects(http.server.BaseHTTPRequestHandler):
    """A loopback S3 stand-in that keeps keys and answers DeleteObjects with 501 NotImplemented."""
    protocol_version = "HTTP/1.1"
    keys = set()
    log = []

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 200 and self.command == "PUT":
            self.send_header("ETag", '"0123456789abcdef0123456789abcdef"')
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_PUT(self):
        self.read_body()
        path = self.path.split("?")[0]
        if path.count("/") > 1:
            self.keys.add(path.split("/", 2)[2])
        self.answer(200)

    def do_GET(self):
        self.log.append(("GET", self.path))
        if "uploads" in self.path:
            return self.answer(200, b"<ListMultipartUploadsResult></ListMultipartUploadsResult>")
        contents = "".join(f"<Contents><Key>{k}</Key></Contents>" for k in sorted(self.keys))
        self.answer(200, f"<ListBucketResult><IsTruncated>false</IsTruncated>{contents}"
                         "</ListBucketResult>".encode())

    def do_POST(self):
        self.read_body()
        self.log.append(("POST", self.path))
        self.answer(501, b"<Error><Code>NotImplemented</Code><Message>no</Message></Error>")

    def do_DELETE(self):
        self.log.append(("DELETE", self.path))
        self.keys.discard(self.path.split("?")[0].split("/", 2)[2])
        self.answer(204)

    def log_message(self, *args):
        pass


class CleanupFallsBackToSingleDeletes(unittest.TestCase):
    def test_a_server_without_delete_objects_gets_one_delete_per_key(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WithoutDeleteObjects)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with tempfile.TemporaryDirectory() as d:
                path = harness.write_scenario(d, f"""
target: {{endpoint: "http://127.0.0.1:{server.server_port}", bucket: plain}}
setup: {{buckets: [plain], cleanup: true}}
phases:
  - name: one
    iterations: 7
    concurrency: 1
    flow:
      - put: {{ key: "c/{{seq}}", size: 1KiB }}
""")
                report_path = os.path.join(d, "report.json")
                r = harness.run_s3storm(["run", path, "--json", report_path])
                self.assertEqual(r.returncode, 0, r.stderr)
                report = harness.load_report(report_path)
        finally:
            server.shutdown()
            server.server_close()
        posts = [p for m, p in WithoutDeleteObjects.log if m == "POST"]
        deletes = [p for m, p in WithoutDeleteObjects.log if m == "DELETE"]
        self.assertEqual(len(posts), 1)  # asked once, then one DELETE per key
        self.assertIn("delete", posts[0])
        self.assertEqual(len(deletes), 7)
        self.assertEqual(WithoutDeleteObjects.keys, set())
        self.assertEqual(report["cleanup"], {"deleted": 7, "failed": 0})
        self.assertRegex(r.stderr, r"cleanup: done, 7 objects deleted")


if __name__ == "__main__":
    unittest.main()
