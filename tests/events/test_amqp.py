"""Bucket events from AMQP, through the built binary and a real RabbitMQ (one broker for the
file, tests/support/rabbitmq.py): `serve --notify amqp://...` publishes, `run` with
`events.source: amqp` consumes and matches. Counts are exact at 10,000 events; a broker restart
mid-run loses nothing the broker kept; a consumer slower than the publisher drains its backlog
within the grace period; wrong credentials and a missing exchange stop the run (exit 2) before
any request; `listen --amqp` prints what is published."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402
from rabbitmq import RabbitMQ  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: {bucket}
setup:
  buckets: [{bucket}]
events:
  source: amqp
  grace: {grace}
  amqp:
    url: {url}
    exchange: {exchange}
{extra}
phases:
  - name: writes
    iterations: {n}
    concurrency: {concurrency}
{pacing}
    flow:
      - put: {{ key: "k/{{iter}}", size: 10 }}
seed: 15
"""


def scenario(directory, **fields):
    values = dict(bucket="amqp-bucket", grace="30s", extra="", n=10, concurrency=4, pacing="")
    values.update(fields)
    return harness.write_scenario(directory, SCENARIO.format(**values))


def serve_counters(stderr):
    """The numbers of serve's 'AMQP: ...' line at exit."""
    line = next(l for l in stderr.splitlines() if "AMQP:" in l)
    return {name: int(n) for n, name in re.findall(
        r"(\d+) (enqueued|confirmed|published again|reconnects)", line)}


def s3_event(key):
    return json.dumps({"Records": [{
        "eventVersion": "2.2", "eventSource": "ceph:s3", "awsRegion": "default",
        "eventTime": "2026-12-04T05:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": "listened"},
               "object": {"key": key, "size": 3, "eTag": "abc"}}}]})


class AmqpEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = RabbitMQ(tls=True)

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()

    def run_scenario(self, exchange, notify=True, **fields):
        """Runs the scenario against a serve publishing to `exchange`; (result, events, serve
        stderr)."""
        extra = ["--notify", self.broker.url(), "--notify-exchange", exchange] if notify else []
        serve = harness.EmbeddedServer(*extra)
        try:
            with tempfile.TemporaryDirectory() as d:
                fields.setdefault("url", self.broker.url())
                path = scenario(d, endpoint=serve.endpoint, exchange=exchange, **fields)
                report = os.path.join(d, "report.json")
                result = harness.run_s3storm(["run", path, "--json", report, "--quiet"],
                                             timeout=300)
                events = harness.load_report(report)["events"] if os.path.exists(report) else None
        finally:
            _, serve_err = serve.stop()
        return result, events, serve_err

    def test_counts_exact_at_ten_thousand_events(self):
        result, events, serve_err = self.run_scenario("counted", n=10000, concurrency=32)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(events["source"], "amqp")
        put = events["by_type"]["ObjectCreated:Put"]
        self.assertEqual((put["expected"], put["delivered"], put["missing"], put["duplicate"],
                          put["unexpected"]), (10000, 10000, 0, 0, 0))
        self.assertEqual(events["reconnects"], 0)
        self.assertEqual(serve_counters(serve_err)["confirmed"], 10000)

    def test_slow_consumer_drains_its_backlog_within_grace(self):
        # 600 events published within a second or two, read at 150/s: about 4 s of backlog.
        result, events, _ = self.run_scenario(
            "slow", n=600, concurrency=8, grace="120s",
            extra="    max_rate: 150\n    prefetch: 10")
        self.assertEqual(result.returncode, 0, result.stderr)
        put = events["by_type"]["ObjectCreated:Put"]
        self.assertEqual((put["expected"], put["delivered"], put["missing"]), (600, 600, 0))
        # The wait in the broker is part of the delivery latency: the last events waited ~4 s.
        self.assertGreater(put["delivery_ms"]["max"], 2000)

    def test_wrong_credentials_stop_the_run_before_any_request(self):
        serve = harness.EmbeddedServer()
        try:
            with tempfile.TemporaryDirectory() as d:
                path = scenario(d, endpoint=serve.endpoint, exchange="counted",
                                url=self.broker.url(password="not-the-password"))
                result = harness.run_s3storm(["run", path, "--quiet"])
        finally:
            _, serve_err = serve.stop()
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertIn("events.amqp.url", lines[0])
        self.assertIn("ACCESS_REFUSED", lines[0])
        self.assertNotIn("not-the-password", result.stdout + result.stderr)
        self.assertIn("stopped: 0 requests", serve_err)

    def test_missing_exchange_stops_the_run_unless_declared(self):
        serve = harness.EmbeddedServer()
        try:
            with tempfile.TemporaryDirectory() as d:
                path = scenario(d, endpoint=serve.endpoint, exchange="nowhere", url=self.broker.url())
                refused = harness.run_s3storm(["run", path, "--quiet"])
                self.assertFalse(self.broker.exchange_exists("nowhere"))
                path = scenario(d, endpoint=serve.endpoint, exchange="nowhere", grace="1s",
                                url=self.broker.url(),
                                extra="    declare: true", n=1)
                declared = harness.run_s3storm(["run", path, "--quiet"])
        finally:
            serve.stop()
        self.assertEqual(refused.returncode, 2, refused.stdout + refused.stderr)
        self.assertIn("events.amqp.exchange", refused.stderr)
        self.assertIn("'nowhere' does not exist", refused.stderr)
        self.assertEqual(declared.returncode, 0, declared.stderr)
        self.assertTrue(self.broker.exchange_exists("nowhere"))

    def test_bad_url_is_a_scenario_error(self):
        with tempfile.TemporaryDirectory() as d:
            path = scenario(d, endpoint="http://127.0.0.1:1", exchange="x",
                            url="http://guest:secret@127.0.0.1/")
            result = harness.run_s3storm(["run", path, "--quiet"])
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r"scenario\.yaml:\d+:\d+")
        self.assertIn("amqp://", result.stderr)
        self.assertNotIn("secret", result.stderr)

    def test_amqps_trusts_the_given_ca_and_no_other(self):
        # serve publishes and listen reads over amqps:// trusting SSL_CERT_FILE; run trusts
        # events.amqp.tls.ca_file. A CA that did not sign the broker's certificate stops each of
        # them with one line, before any load.
        ca, other = self.broker.ca_file, self.broker.other_ca_file
        serve = harness.EmbeddedServer("--notify", self.broker.tls_url(), "--notify-exchange",
                                       "over-tls", env=dict(os.environ, SSL_CERT_FILE=ca))
        try:
            with tempfile.TemporaryDirectory() as d:
                path = scenario(d, endpoint=serve.endpoint, exchange="over-tls", n=200,
                                url=self.broker.tls_url(), extra=f"    tls: {{ ca_file: {ca} }}")
                report = os.path.join(d, "report.json")
                trusted = harness.run_s3storm(["run", path, "--json", report, "--quiet"])
                events = harness.load_report(report)["events"]
        finally:
            _, serve_err = serve.stop()
        self.assertEqual(trusted.returncode, 0, trusted.stderr)
        put = events["by_type"]["ObjectCreated:Put"]
        self.assertEqual((put["expected"], put["delivered"], put["missing"]), (200, 200, 0))
        self.assertEqual(serve_counters(serve_err)["confirmed"], 200)

        serve = harness.EmbeddedServer()
        try:
            with tempfile.TemporaryDirectory() as d:
                path = scenario(d, endpoint=serve.endpoint, exchange="over-tls",
                                url=self.broker.tls_url(), extra=f"    tls: {{ ca_file: {other} }}")
                untrusted = harness.run_s3storm(["run", path, "--quiet"])
        finally:
            _, serve_err = serve.stop()
        self.assertEqual(untrusted.returncode, 2, untrusted.stdout + untrusted.stderr)
        lines = untrusted.stderr.strip().splitlines()
        print(f"wrong CA: {lines[0] if lines else ''}", file=sys.stderr)
        self.assertEqual(len(lines), 1, untrusted.stderr)
        self.assertIn("events.amqp.tls", lines[0])
        self.assertIn("verif", lines[0])
        self.assertNotIn("guest@", lines[0])
        self.assertIn("stopped: 0 requests", serve_err)

        listen = [harness.BIN, "listen", "--amqp", self.broker.tls_url(), "--exchange", "over-tls"]
        refused = harness.run_s3storm(listen[1:], env=dict(os.environ, SSL_CERT_FILE=other))
        self.assertEqual(refused.returncode, 2, refused.stderr)
        self.assertEqual(len(refused.stderr.strip().splitlines()), 1, refused.stderr)
        self.assertIn("--amqp", refused.stderr)
        listener = subprocess.Popen(listen, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=dict(os.environ, SSL_CERT_FILE=ca))
        try:
            self.assertIn("waiting for events from amqps://", listener.stderr.readline())
            self.broker.publish("over-tls", "k", [s3_event("tls-obj")])
            printed = ""
            while "tls-obj" not in printed and (line := listener.stdout.readline()):
                printed += line
        finally:
            listener.send_signal(signal.SIGINT)
            out, err = listener.communicate(timeout=30)
        self.assertIn("tls-obj", printed, err)
        self.assertEqual(listener.returncode, 0, err)

    def test_listen_prints_published_events(self):
        listener = subprocess.Popen(
            [harness.BIN, "listen", "--amqp", self.broker.url(), "--exchange", "listened",
             "--declare"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            ready = listener.stderr.readline()
            self.assertIn("waiting for events", ready)
            self.broker.publish("listened", "any.key", [s3_event(f"obj-{i}") for i in range(3)])
            deadline = time.monotonic() + 30
            seen = []
            while len(seen) < 3 and time.monotonic() < deadline:
                line = listener.stdout.readline()
                seen += re.findall(r"obj-\d", line)
        finally:
            listener.send_signal(signal.SIGINT)
            out, err = listener.communicate(timeout=30)
        self.assertEqual(sorted(seen), ["obj-0", "obj-1", "obj-2"], err)
        self.assertEqual(listener.returncode, 0, err)
        self.assertRegex(out, r"messages received\s+3")

    def test_zz_broker_restart_mid_run_loses_nothing_it_kept(self):
        # A durable queue and persistent, confirmed messages: what the broker kept comes back.
        serve = harness.EmbeddedServer("--notify", self.broker.url(), "--notify-exchange",
                                       "restarted")
        try:
            with tempfile.TemporaryDirectory() as d:
                path = scenario(d, endpoint=serve.endpoint, exchange="restarted", n=1500,
                                url=self.broker.url(),
                                concurrency=16, grace="240s", pacing="    rate: 100/s",
                                extra="    queue: restart-durable")
                report = os.path.join(d, "report.json")
                run = subprocess.Popen(
                    [harness.BIN, "run", path, "--json", report, "--quiet"],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                    env=dict(os.environ, AWS_ACCESS_KEY_ID="s3storm",
                             AWS_SECRET_ACCESS_KEY="s3storm-secret"))
                try:
                    time.sleep(4)  # a few hundred events through, more to come
                    self.broker.restart()
                    out, err = run.communicate(timeout=400)
                finally:
                    if run.poll() is None:
                        run.kill()
                        run.communicate()
                loaded = harness.load_report(report)
        finally:
            _, serve_err = serve.stop()
        self.assertEqual(run.returncode, 0, err)
        events = loaded["events"]
        put = events["by_type"]["ObjectCreated:Put"]
        written = harness.op(loaded, 0, "put")["ok"]  # an open loop may drop a few starts
        self.assertGreater(written, 1000)
        self.assertEqual((put["expected"], put["delivered"], put["missing"]),
                         (written, written, 0), serve_err)
        print(f"restart: {events['reconnects']} reconnect(s), {events['redelivered']} redelivered "
              f"recognised, {put['duplicate']} duplicate(s); serve: {serve_counters(serve_err)}",
              file=sys.stderr)
        self.assertGreaterEqual(events["reconnects"], 1)
        # Only the publisher's own resending (unconfirmed when the broker went) may duplicate;
        # what the consumer counted and the broker delivered again is recognised, not counted.
        self.assertLessEqual(put["duplicate"], serve_counters(serve_err)["published again"])
        self.assertGreaterEqual(serve_counters(serve_err)["reconnects"], 1)


if __name__ == "__main__":
    unittest.main()
