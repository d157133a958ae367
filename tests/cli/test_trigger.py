"""`s3storm trigger`: the seed walkthrough's five operations one by one against `s3storm serve`,
each event confirmed through --expect-events."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402


class Trigger(unittest.TestCase):
    def test_seed_operations_and_their_events(self):
        events_port = harness.free_port()
        with tempfile.TemporaryDirectory() as d, \
                harness.EmbeddedServer("--notify", f"http://127.0.0.1:{events_port}/") as server:
            with open(os.path.join(d, "test.txt"), "w") as f:
                f.write("S3 events trigger demo file.\n")
            r = harness.run_s3storm(
                ["trigger", "--endpoint", server.endpoint, "--bucket", "test-bucket",
                 "--put", "test.txt", "--copy", "test-bucket", "test.txt", "copy_test.txt",
                 "--delkey", "copy_test.txt", "--post", "test.txt", "--multipart", "bigfile.bin",
                 "--expect-events", f"127.0.0.1:{events_port}", "--grace", "10"], cwd=d)
            client = harness.boto3_client(server.endpoint)
            objects = {o["Key"]: o for o in client.list_objects_v2(Bucket="test-bucket")["Contents"]}
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("PUT object test.txt to bucket test-bucket", r.stdout)
        self.assertIn("Done. Uploaded 29 bytes from file: test.txt", r.stdout)
        for name in ("ObjectCreated:Put", "ObjectCreated:Copy", "ObjectRemoved:Delete",
                     "ObjectCreated:Post", "ObjectCreated:CompleteMultipartUpload"):
            self.assertRegex(r.stdout, rf"Event {name}: expected 1, delivered 1, missing 0")
        self.assertEqual(sorted(objects), ["bigfile.bin", "test.txt"])
        self.assertEqual(objects["bigfile.bin"]["Size"], 6 * 1024 * 1024)
        self.assertTrue(objects["bigfile.bin"]["ETag"].endswith('-2"'))

    def test_missing_event_fails(self):
        events_port = harness.free_port()  # nothing sends here: the server has no --notify
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as server:
            with open(os.path.join(d, "a.txt"), "w") as f:
                f.write("x")
            r = harness.run_s3storm(
                ["trigger", "--endpoint", server.endpoint, "--bucket", "quiet-bucket", "--put",
                 "a.txt", "--expect-events", f"127.0.0.1:{events_port}", "--grace", "1"], cwd=d)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("Missing: ObjectCreated:Put quiet-bucket/a.txt", r.stdout)

    def test_needs_an_operation(self):
        r = harness.run_s3storm(["trigger", "--endpoint", "http://127.0.0.1:1", "--bucket", "b"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("at least one of", r.stderr)


if __name__ == "__main__":
    unittest.main()
