"""`s3storm run` against s3rver, a third-party S3 emulator whose events a harness forwards to the
run's webhook: the seed walkthrough is counted as s3rver really behaves, objects read back
intact, and dropped and duplicated events are counted exactly."""
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

WALKTHROUGH = """
target:
  endpoint: {endpoint}
  bucket: test-bucket
setup:
  buckets: [test-bucket]
events:
  source: webhook
  listen: 127.0.0.1:{port}
  grace: 3s
phases:
  - name: walkthrough
    iterations: 1
    flow:
      - put:       {{ key: "test {{iter}} é.txt", size: 29, content_type: text/plain }}
      - copy:      {{ from: last, key: "copy-{{iter}}.txt" }}
      - delete:    {{ key: last }}
      - post:      {{ key: "post-{{iter}}.txt", size: 29 }}
      - multipart: {{ key: "big-{{iter}}.bin", size: 6MiB, part_size: 5MiB }}
seed: 1
"""

MANY_PUTS = """
target:
  endpoint: {endpoint}
  bucket: many
setup:
  buckets: [many]
events:
  source: webhook
  listen: 127.0.0.1:{port}
  grace: 5s
phases:
  - name: puts
    iterations: {iterations}
    concurrency: 16
    flow:
      - put: {{ key: "k/{{iter}}", size: 16 }}
seed: 2
"""


class RunAgainstS3rver(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.json = os.path.join(self.dir.name, "report.json")
        self.port = harness.free_port()

    def tearDown(self):
        self.dir.cleanup()

    def test_seed_walkthrough_shows_what_s3rver_sends(self):
        with harness.S3rver(webhook=f"http://127.0.0.1:{self.port}/") as server:
            path = harness.write_scenario(
                self.dir.name, WALKTHROUGH.format(endpoint=server.endpoint, port=self.port))
            r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                    env=harness.S3rver.ENV)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            # (No '+' in the copied key: s3rver reads x-amz-copy-source with decodeURI, which
            # leaves %2B encoded, so it would answer NoSuchKey where S3 copies.)
            client = harness.boto3_client(server.endpoint, server.ACCESS_KEY, server.SECRET_KEY)
            sizes = {o["Key"]: o["Size"]
                     for o in client.list_objects_v2(Bucket="test-bucket").get("Contents", [])}
            body = client.get_object(Bucket="test-bucket", Key="test 0 é.txt")["Body"].read()
        self.assertEqual(sizes, {"test 0 é.txt": 29, "post-0.txt": 29, "big-0.bin": 6 * 1024 * 1024})
        self.assertEqual(len(body), 29)
        report = harness.load_report(self.json)
        ops = report["phases"][0]["ops"]
        for name in ("put", "copy", "delete", "post", "multipart"):
            self.assertEqual(ops[name]["ok"], 1, name)
        events = report["events"]["by_type"]
        for name in ("ObjectCreated:Put", "ObjectCreated:Copy", "ObjectRemoved:Delete"):
            self.assertEqual((events[name]["expected"], events[name]["delivered"]), (1, 1), name)
        # s3rver announces a completed multipart upload as a Post: one missing, one unexpected.
        self.assertEqual(events["ObjectCreated:CompleteMultipartUpload"]["missing"], 1)
        self.assertEqual(events["ObjectCreated:Post"]["delivered"], 1)
        self.assertEqual(events["ObjectCreated:Post"]["unexpected"], 1)
        self.assertEqual(report["events"]["unexpected_keys"], ["test-bucket/big-0.bin (ObjectCreated:Post)"])

    def test_dropped_and_duplicated_events_are_counted_exactly(self):
        iterations = 10000
        with harness.S3rver(webhook=f"http://127.0.0.1:{self.port}/", drop_every=97,
                            dup_every=89) as server:
            path = harness.write_scenario(self.dir.name, MANY_PUTS.format(
                endpoint=server.endpoint, port=self.port, iterations=iterations))
            r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                    env=harness.S3rver.ENV, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            _, err = server.stop()
        counts = re.search(r"FORWARDED (\d+) DROPPED (\d+) DUPLICATED (\d+) FAILED (\d+)", err)
        self.assertIsNotNone(counts, err)
        dropped, duplicated, failed = (int(counts.group(i)) for i in (2, 3, 4))
        self.assertEqual(failed, 0)
        put = harness.load_report(self.json)["events"]["by_type"]["ObjectCreated:Put"]
        self.assertEqual(put["expected"], iterations)
        self.assertEqual(dropped, iterations // 97)
        self.assertEqual(put["missing"], dropped)
        self.assertEqual(put["duplicate"], duplicated)
        self.assertEqual(put["delivered"], iterations - dropped)
        self.assertEqual(put["unexpected"], 0)

    def test_events_through_an_sqs_queue_are_matched_and_deleted(self):
        with harness.Fauxqs() as fauxqs:
            url = fauxqs.create_queue("s3storm-events")
            with harness.S3rver(sqs=url, sqs_port=fauxqs.port) as server:
                scenario = MANY_PUTS.format(endpoint=server.endpoint, port=0, iterations=300)
                scenario = scenario.replace("  source: webhook\n  listen: 127.0.0.1:0\n", (
                    "  source: sqs\n  sqs: {{ queue_url: \"{}\", pollers: 2, wait: 1s }}\n").format(url))
                path = harness.write_scenario(self.dir.name, scenario)
                r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                        env=harness.S3rver.ENV)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                _, err = server.stop()
            self.assertIn("FAILED 0", err)
            self.assertEqual(fauxqs.depth(url), (0, 0))
        report = harness.load_report(self.json)
        self.assertEqual(report["events"]["source"], "sqs")
        put = report["events"]["by_type"]["ObjectCreated:Put"]
        self.assertEqual((put["expected"], put["delivered"], put["missing"], put["duplicate"]),
                         (300, 300, 0, 0))


if __name__ == "__main__":
    unittest.main()
