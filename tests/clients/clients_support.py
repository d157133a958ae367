"""What the real-client tests share: `s3storm serve --notify` to a webhook in the test, files of
known sizes, running a client's command line, and the events S3 would send for a walkthrough,
compared exactly (names, keys as S3 encodes them, sizes, versionIds) in the order the target
issued them (by sequencer). With S3STORM_CLIENTS_TIMING set, each client command's time goes to
stderr (the folder has a two-minute budget)."""

import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "target"))
from target_harness import ACCESS_KEY, SECRET_KEY, Serve, Webhook  # noqa: E402

# A key with a space and a non-ASCII character, in a "folder": S3 encodes it in events as a form
# value ('+' for the space, %XX for each UTF-8 byte), keeping the slash.
ODD_KEY = "dir/my file \u00e9.txt"
SEED_TEXT = b"S3 events trigger demo file.\n"
MiB = 1024 * 1024


def event_key(key):
    return urllib.parse.quote_plus(key, safe="/")


def created(name, key, size, version_id=None):
    return ("ObjectCreated:" + name, event_key(key), size, version_id)


def removed(name, key, version_id=None):
    return ("ObjectRemoved:" + name, event_key(key), None, version_id)


def tagging(name, key, version_id=None):
    return ("ObjectTagging:" + name, event_key(key), None, version_id)


class ClientTestCase(unittest.TestCase):
    """One `serve --notify` and one webhook for the test class; each test runs a walkthrough and
    then checks the events that arrived since the previous check."""

    @classmethod
    def setUpClass(cls):
        cls.webhook = Webhook()
        cls.serve = Serve("--notify", cls.webhook.url)
        cls.endpoint = cls.serve.endpoint  # http://127.0.0.1:PORT
        cls.directory = tempfile.TemporaryDirectory(prefix="s3storm-clients-")
        cls.tmp = cls.directory.name
        cls.seen = 0

    @classmethod
    def tearDownClass(cls):
        code, stderr = cls.serve.stop()
        cls.webhook.close()
        cls.directory.cleanup()
        assert code == 0, stderr

    def file(self, name, size=None, content=None):
        """A local file: `content`, or `size` bytes of a repeating pattern."""
        path = os.path.join(self.tmp, name)
        if content is None:
            pattern = bytes(range(256))
            content = (pattern * (size // len(pattern) + 1))[:size]
        with open(path, "wb") as out:
            out.write(content)
        return path

    def run_client(self, args, env=None, input=None):
        started = time.monotonic()
        result = subprocess.run(args, capture_output=True, env=env, input=input, timeout=60)
        self.assertEqual(result.returncode, 0, "%s failed after %.1fs:\n%s\n%s" % (
            " ".join(args), time.monotonic() - started, result.stdout.decode(errors="replace"),
            result.stderr.decode(errors="replace")))
        if os.environ.get("S3STORM_CLIENTS_TIMING"):
            print("%.2fs %s" % (time.monotonic() - started, " ".join(args)[:140]), file=sys.stderr)
        return result.stdout

    def assert_events(self, expected, timeout=10.0, ordered=True):
        """The events since the last call are exactly `expected`, in the target's order (in any
        order when the client sends the requests in parallel)."""
        want = self.seen + len(expected)
        records = self.webhook.wait_for(want, timeout)
        time.sleep(0.3)  # an extra event would be on its way by now
        records = self.webhook.records()
        fresh = sorted(records[self.seen:], key=lambda r: r["s3"]["object"]["sequencer"])
        type(self).seen = len(records)
        got = [(r["eventName"], r["s3"]["object"]["key"], r["s3"]["object"].get("size"),
                r["s3"]["object"].get("versionId")) for r in fresh]
        if ordered:
            self.assertEqual(got, expected)
        else:
            self.assertEqual(sorted(got, key=repr), sorted(expected, key=repr))
        return fresh
