"""`s3storm listen`: prints each event as the seed's Lambda handler does, totals on SIGINT."""
import json
import os
import re
import signal
import socket
import subprocess
import unittest
import urllib.error
import urllib.request

BIN = os.environ["S3STORM_BIN"]
STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def s3_event(name, key, size, etag):
    obj = {"key": key, "size": size}
    if etag:
        obj["eTag"] = etag
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
        "eventTime": "2025-11-07T09:41:23.870Z", "eventName": name,
        "s3": {"bucket": {"name": "test-bucket"}, "object": obj}}]}


def post(port, payload, token=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Listen(unittest.TestCase):
    def start(self, *args):
        port = free_port()
        proc = subprocess.Popen([BIN, "listen", "--listen", f"127.0.0.1:{port}", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        ready = proc.stderr.readline()
        self.assertIn("waiting for events", ready)
        return proc, port

    def stop(self, proc):
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0, err)
        return out

    def test_prints_events_and_totals(self):
        proc, port = self.start()
        self.assertEqual(post(port, s3_event("ObjectCreated:Put", "test.txt", 29,
                                             "b72a05983f663132daaf4688bb919f80")), 200)
        self.assertEqual(post(port, s3_event("s3:ObjectRemoved:Delete", "copy_test.txt", 0, "")),
                         200)
        self.assertEqual(post(port, {"Records": "nope"}), 400)
        out = self.stop(proc)

        lines = out.splitlines()
        expected = [
            "S3 Event Detected", "-------------------------------",
            "Event Type: ObjectCreated:Put (Put)", "Timestamp:  2025-11-07T09:41:23.870Z",
            "Bucket:     test-bucket", "Object:     test.txt", "Size:       29 bytes",
            "ETag:       b72a05983f663132daaf4688bb919f80", "-------------------------------",
            "S3 Event Detected", "-------------------------------",
            "Event Type: ObjectRemoved:Delete (Delete)", "Timestamp:  2025-11-07T09:41:23.870Z",
            "Bucket:     test-bucket", "Object:     copy_test.txt", "Size:       0 bytes",
            "ETag:", "-------------------------------",
        ]
        stamped = [line for line in lines if re.match(STAMP + " ", line)]
        self.assertEqual([line[20:] for line in stamped], expected)
        totals = out[out.index("Totals"):]
        self.assertRegex(totals, r"ObjectCreated:Put\s+1\n")
        self.assertRegex(totals, r"ObjectRemoved:Delete\s+1\n")
        self.assertRegex(totals, r"events\s+2\n")
        self.assertRegex(totals, r"test events\s+0\n")
        self.assertRegex(totals, r"rejected requests\s+1\n")

    def test_control_characters_in_a_key_are_printed_escaped(self):
        # Issue #18: a NUL in a key ended the printout there and lost the rest of the block.
        key = "a\u0000b\u001b[2Jc\td\re\u007ff\\g\u009bh-end"
        proc, port = self.start()
        self.assertEqual(post(port, s3_event("ObjectCreated:Put", key, 7, "e7")), 200)
        self.assertEqual(post(port, s3_event("ObjectCreated:Put", "next.txt", 1, "e1")), 200)
        out = self.stop(proc)

        self.assertNotRegex(out, "[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")  # nothing a terminal acts on
        stamped = [line[20:] for line in out.splitlines() if re.match(STAMP + " ", line)]
        self.assertEqual(stamped[:9], [
            "S3 Event Detected", "-------------------------------",
            "Event Type: ObjectCreated:Put (Put)", "Timestamp:  2025-11-07T09:41:23.870Z",
            "Bucket:     test-bucket", "Object:     a\\x00b\\x1b[2Jc\\x09d\\x0de\\x7ff\\\\g\\u009bh-end",
            "Size:       7 bytes", "ETag:       e7", "-------------------------------",
        ])
        self.assertIn("Object:     next.txt", stamped)
        self.assertRegex(out, r"ObjectCreated:Put\s+2\n")

    def test_token_is_required_when_set_and_never_printed(self):
        proc, port = self.start("--auth-token", "hunter2-secret")
        event = s3_event("ObjectCreated:Put", "k", 1, "e")
        self.assertEqual(post(port, event), 401)
        self.assertEqual(post(port, event, token="wrong"), 401)
        self.assertEqual(post(port, event, token="hunter2-secret"), 200)
        out = self.stop(proc)
        self.assertRegex(out, r"events\s+1\n")
        self.assertRegex(out, r"rejected requests\s+2\n")
        self.assertNotIn("hunter2-secret", out)

    def test_sigterm_also_prints_totals(self):
        proc, _ = self.start()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0)
        self.assertRegex(out, r"events\s+0\n")

    def test_bad_usage_exits_2_with_one_line(self):
        for args in (["--listen", "nowhere"], ["--listen", "0.0.0.0:0"],
                     ["--listen", "127.0.0.1:0", "--sqs", "http://127.0.0.1:1/0/q"]):
            r = subprocess.run([BIN, "listen", *args], capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


if __name__ == "__main__":
    unittest.main()
