"""`s3storm listen --sqs`: polls a real SQS emulator (fauxqs, JSON protocol) and prints each event
once, counts s3:TestEvent apart, deletes what it read, and reports errors without stopping."""
import json
import os
import re
import signal
import sys
import subprocess
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

BIN = os.environ["S3STORM_BIN"]
SECRET = "sqs-test-secret-never-printed"
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDSQSTEST", AWS_SECRET_ACCESS_KEY=SECRET,
           AWS_REGION="eu-west-1")
ENV.pop("AWS_SESSION_TOKEN", None)
ENV.pop("AWS_PROFILE", None)


free_port = harness.free_port


def s3_event(name, key, size=7):
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2025-11-07T09:41:23.870Z", "eventName": name,
        "s3": {"bucket": {"name": "sqs-bucket"},
               "object": {"key": key, "size": size, "eTag": "0123456789abcdef"}}}]}


def sns_wrapped(event):
    return {"Type": "Notification", "MessageId": "m", "Subject": "Amazon S3 Notification",
            "TopicArn": "arn:aws:sns:us-east-1:000000000000:events",
            "Message": json.dumps(event), "Timestamp": "2025-11-07T09:41:24.000Z"}


TEST_EVENT = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2025-11-07T09:41:00Z",
              "Bucket": "sqs-bucket", "RequestId": "R", "HostId": "H"}


Fauxqs = harness.Fauxqs


class Listener:
    """`s3storm listen --sqs`, its output collected by threads as it comes."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BIN, "listen", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=ENV)
        self.out, self.err = [], []
        self.readers = [threading.Thread(target=self._drain, args=(s, d), daemon=True)
                        for s, d in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _drain(stream, lines):
        for line in stream:
            lines.append(line)

    def wait_for(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            if self.proc.poll() is not None:
                return predicate()
            time.sleep(0.05)
        return False

    def stop(self):
        """SIGINT, then (exit status, seconds it took, stdout, stderr)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=20)
        took = time.monotonic() - started
        for reader in self.readers:
            reader.join(timeout=10)
        self._close()
        return self.proc.returncode, took, "".join(self.out), "".join(self.err)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for reader in self.readers:
            reader.join(timeout=10)
        self._close()

    def _close(self):
        self.proc.stdout.close()
        self.proc.stderr.close()


def total(out, name):
    found = re.search(r"^\s+" + re.escape(name) + r"\s+(\d+)$", out, re.M)
    return int(found.group(1)) if found else None


class ListenSqs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fauxqs = Fauxqs()

    @classmethod
    def tearDownClass(cls):
        cls.fauxqs.stop()

    def listen(self, *args):
        listener = Listener(*args)
        self.addCleanup(listener.kill)
        self.assertTrue(listener.wait_for(lambda: any("waiting for events" in l
                                                      for l in listener.err)), listener.err)
        return listener

    def test_every_event_printed_once_and_queue_emptied(self):
        url = self.fauxqs.create_queue("events-once")
        self.assertTrue(url.startswith(f"http://sqs.us-east-1.127.0.0.1:{self.fauxqs.port}/"), url)
        raw = [s3_event("ObjectCreated:Put", f"raw-{i}.txt") for i in range(25)]
        wrapped = [sns_wrapped(s3_event("s3:ObjectRemoved:Delete", f"sns-{i}.txt"))
                   for i in range(25)]
        junk = {"hello": "not an S3 event"}
        self.fauxqs.send(url, raw + wrapped + [TEST_EVENT, junk])

        listener = self.listen("--sqs", url, "--pollers", "3")
        printed = lambda: sum(l.startswith("Object:", 20) for l in listener.out)
        self.assertTrue(listener.wait_for(lambda: printed() >= 50), listener.err)
        self.assertTrue(listener.wait_for(lambda: self.fauxqs.depth(url) == (0, 0)),
                        self.fauxqs.depth(url))
        status, _, out, err = listener.stop()
        self.assertEqual(status, 0, err)

        keys = [l[20:].split(None, 1)[1].strip() for l in out.splitlines()
                if l[20:].startswith("Object:")]
        self.assertEqual(sorted(keys),
                         sorted([f"raw-{i}.txt" for i in range(25)] +
                                [f"sns-{i}.txt" for i in range(25)]))
        self.assertEqual(total(out, "ObjectCreated:Put"), 25)
        self.assertEqual(total(out, "ObjectRemoved:Delete"), 25)
        self.assertEqual(total(out, "events"), 50)
        self.assertEqual(total(out, "test events"), 1)
        self.assertIn("S3 Test Event received", out)
        self.assertEqual(total(out, "messages received"), 52)
        self.assertEqual(total(out, "messages deleted"), 52)
        self.assertEqual(total(out, "parse failures"), 1)
        self.assertEqual(total(out, "receive errors"), 0)
        self.assertIn("region us-east-1", err)  # from the queue URL, not AWS_REGION
        self.assertNotIn(SECRET, out + err)
        self.assertEqual(self.fauxqs.depth(url), (0, 0))

    def test_events_sent_while_listening_arrive(self):
        url = self.fauxqs.create_queue("events-live")
        listener = self.listen("--sqs", url, "--pollers", "2", "--wait", "20")
        self.fauxqs.send(url, [s3_event("ObjectCreated:Copy", f"live-{i}") for i in range(12)])
        self.assertTrue(listener.wait_for(
            lambda: sum(l.startswith("Object:", 20) for l in listener.out) >= 12))
        self.assertTrue(listener.wait_for(lambda: self.fauxqs.depth(url) == (0, 0)))
        status, took, out, _ = listener.stop()
        self.assertEqual(status, 0)
        self.assertEqual(total(out, "ObjectCreated:Copy"), 12)
        # Both pollers were in a 20 s long poll when interrupted: stopping cuts it.
        self.assertLess(took, 10)

    def test_missing_queue_is_reported_and_retried(self):
        url = f"http://sqs.us-east-1.127.0.0.1:{self.fauxqs.port}/000000000000/no-such-queue"
        listener = self.listen("--sqs", url)
        self.assertTrue(listener.wait_for(
            lambda: any(re.search(r"QueueDoesNotExist \(([2-9]|\d\d+) so far\)", l)
                        for l in listener.err), timeout=20),
            listener.err)
        status, took, out, err = listener.stop()
        self.assertEqual(status, 0, err)
        self.assertGreaterEqual(total(out, "QueueDoesNotExist"), 2)
        self.assertEqual(total(out, "receive errors"), total(out, "QueueDoesNotExist"))
        self.assertLess(took, 10)

    def test_unreachable_queue_is_reported_and_stop_is_prompt(self):
        url = f"http://127.0.0.1:{free_port()}/000000000000/nobody-listens"
        listener = self.listen("--sqs", url, "--region", "eu-central-1")
        self.assertTrue(listener.wait_for(
            lambda: any("connect_failed" in l for l in listener.err), timeout=20), listener.err)
        self.assertIn("region eu-central-1", "".join(listener.err))
        status, took, out, _ = listener.stop()
        self.assertEqual(status, 0)
        self.assertGreaterEqual(total(out, "connect_failed"), 1)
        self.assertLess(took, 10)

    def test_bad_usage_exits_2_with_one_line(self):
        good = f"http://sqs.us-east-1.127.0.0.1:{self.fauxqs.port}/000000000000/q"
        for args in (["--sqs", "not-a-url"], ["--sqs", "http://127.0.0.1:1"],
                     ["--sqs", "ftp://127.0.0.1/0/q"],
                     ["--sqs", good, "--listen", "127.0.0.1:0"]):
            r = subprocess.run([BIN, "listen", *args], capture_output=True, text=True,
                               timeout=20, env=ENV)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("--", r.stderr)
        no_credentials = {k: v for k, v in ENV.items() if not k.startswith("AWS_")}
        no_credentials["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"
        no_credentials["AWS_CONFIG_FILE"] = "/nonexistent"
        r = subprocess.run([BIN, "listen", "--sqs", good], capture_output=True, text=True,
                           timeout=20, env=no_credentials)
        self.assertEqual(r.returncode, 2, r.stderr)


if __name__ == "__main__":
    unittest.main()
