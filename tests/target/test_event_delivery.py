"""`serve --notify` delivers its events as fast as it accepts operations (issue #18): a short
`s3storm run` of PUTs at full speed against serve, with the run's own webhook as the receiver,
misses nothing and serve's exit line says every emitted event was delivered. A receiver that
stalls fills the bounded queue: what does not fit is counted as lost, never held. Batching packs
waiting events into one POST only when asked (--notify-batch); by default one record per message,
as S3 sends."""
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402
from target_harness import Serve, Webhook  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: storm
  retries: 0
setup:
  buckets: [storm]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: {grace}
phases:
  - name: storm
    duration: {seconds}s
    concurrency: 32
    flow:
      - put: {{ key: "k/{{worker}}-{{seq}}", size: 16 }}
thresholds:
  - events.missing == 0
"""

EXIT_LINE = re.compile(
    r"events (\d+) emitted, (\d+) delivered, (\d+) failed, (\d+) dropped by fault, (\d+) "
    r"duplicated by fault, (\d+) corrupted by fault, (\d+) reordered by fault, (\d+) delayed by "
    r"fault, (\d+) lost "
    r"\(queue full\), (\d+) abandoned; "
    r"(\d+) POSTs, (\d+) retries, queue peak (\d+) bytes")


def exit_counts(stderr):
    match = EXIT_LINE.search(stderr)
    if not match:
        raise AssertionError("no counters in serve's exit line: %r" % stderr)
    names = ("emitted", "delivered", "failed", "dropped_by_fault", "duplicated_by_fault",
             "corrupted_by_fault", "reordered_by_fault", "delayed_by_fault", "lost", "abandoned", "posts", "retries", "queue_peak")
    return dict(zip(names, (int(g) for g in match.groups())))


class StalledReceiver:
    """Accepts connections and reads what arrives, but never answers."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.url = "http://127.0.0.1:%d/events" % self.listener.getsockname()[1]
        self.connections = []
        self.closed = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.closed:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            connection.setblocking(False)  # its bytes stay in the kernel; nobody answers
            self.connections.append(connection)

    def close(self):
        self.closed = True
        self.listener.close()
        for connection in self.connections:
            connection.close()


class EventDelivery(unittest.TestCase):
    def run_storm(self, *serve_flags, seconds=3, grace="3s"):
        """`s3storm run` of PUTs for `seconds` against serve --notify to the run's webhook;
        returns (run result, events of its report, serve's exit counters)."""
        hook = harness.free_port()
        with tempfile.TemporaryDirectory() as directory:
            serve = harness.EmbeddedServer("--discard", "--notify", f"http://127.0.0.1:{hook}/",
                                           *serve_flags)
            try:
                path = harness.write_scenario(directory, SCENARIO.format(
                    endpoint=serve.endpoint, hook=hook, seconds=seconds, grace=grace))
                report_path = os.path.join(directory, "report.json")
                result = harness.run_s3storm(["run", path, "--json", report_path, "--quiet",
                                              "--threads", "1"], timeout=60)
            finally:
                _, serve_err = serve.stop()
            self.assertTrue(os.path.exists(report_path), result.stdout + result.stderr)
            with open(report_path, encoding="utf-8") as f:
                events = json.load(f)["events"]
        return result, events, exit_counts(serve_err)

    def check_nothing_missing(self, result, events, counts):
        totals = events["totals"]
        self.assertGreater(totals["expected"], 2000, "too few PUTs to say anything")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(totals["missing"], 0)
        self.assertEqual(totals["delivered"], totals["expected"])
        self.assertEqual(counts["emitted"], totals["expected"])
        self.assertEqual(counts["delivered"], counts["emitted"], counts)
        self.assertEqual((counts["failed"], counts["lost"], counts["abandoned"]), (0, 0, 0))

    def test_full_rate_run_misses_nothing_one_record_per_message(self):
        # The grace is short on purpose: delivery must keep up during the run, not catch up
        # after it (one POST at a time fell seconds behind, issue #18).
        result, events, counts = self.run_storm()
        self.check_nothing_missing(result, events, counts)
        self.assertEqual(counts["posts"], counts["delivered"])  # one record per message

    def test_full_rate_run_misses_nothing_batched(self):
        result, events, counts = self.run_storm("--notify-batch", "100")
        self.check_nothing_missing(result, events, counts)
        self.assertLessEqual(counts["posts"], counts["delivered"])

    def test_full_queue_is_counted_as_lost_not_held(self):
        receiver = StalledReceiver()
        serve = Serve("--notify", receiver.url, "--notify-queue", "16KiB",
                      "--notify-connections", "1")
        try:
            s3 = serve.client()
            s3.create_bucket(Bucket="stalled")
            n = 300
            for i in range(n):
                s3.put_object(Bucket="stalled", Key="k%d" % i, Body=b"x")
        finally:
            started = time.monotonic()
            code, stderr = serve.stop()
            receiver.close()
        self.assertEqual(code, 0, stderr)
        self.assertLess(time.monotonic() - started, 10, "stop() must not wait for the stalled POST")
        counts = exit_counts(stderr)
        self.assertEqual(counts["emitted"], n)
        self.assertEqual(counts["delivered"], 0)
        # ~730 bytes an event: 16 KiB holds about twenty, the rest is lost and said so.
        self.assertGreater(counts["lost"], n - 40)
        self.assertLessEqual(counts["queue_peak"], 16 * 1024)
        self.assertEqual(counts["lost"] + counts["abandoned"] + counts["failed"], n, counts)

    def test_batches_only_when_asked_and_only_what_waits(self):
        for batch, expect_packed in (("1", False), ("10", True)):
            webhook = Webhook()
            slow = webhook.server.RequestHandlerClass.do_POST

            def do_post(handler, slow=slow):
                time.sleep(0.02)  # events pile up behind a slow receiver
                slow(handler)
            webhook.server.RequestHandlerClass.do_POST = do_post
            serve = Serve("--notify", webhook.url, "--notify-batch", batch,
                          "--notify-connections", "2")
            try:
                s3 = serve.client()
                s3.create_bucket(Bucket="packed")
                n = 150
                for i in range(n):
                    s3.put_object(Bucket="packed", Key="k%d" % i, Body=b"x")
            finally:
                code, stderr = serve.stop()
                webhook.close()
            self.assertEqual(code, 0, stderr)
            sizes = [len(m["Records"]) for m in webhook.messages]
            keys = sorted(r["s3"]["object"]["key"] for r in webhook.records())
            self.assertEqual(keys, sorted("k%d" % i for i in range(n)), batch)
            self.assertLessEqual(max(sizes), int(batch))
            self.assertEqual(max(sizes) > 1, expect_packed, sizes)
            self.assertEqual(exit_counts(stderr)["posts"], len(sizes))


if __name__ == "__main__":
    unittest.main()
