"""scenarios/ceph-rgw.yaml against Ceph RGW, nothing set up by hand: setup creates the topic and
the notification configuration, the seed walkthrough delivers all five event types, the objects
read back with the right sizes; and a wrong secret fails every request as SignatureDoesNotMatch."""
import os

import ceph_harness
from ceph_harness import harness

SCENARIO = os.path.join(harness.SOURCE_DIR, "scenarios", "ceph-rgw.yaml")
EVENT_TYPES = ("ObjectCreated:Put", "ObjectCreated:Copy", "ObjectRemoved:Delete",
               "ObjectCreated:Post", "ObjectCreated:CompleteMultipartUpload")

WRONG_SECRET = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: ceph-wrong-secret
events:
  source: webhook
  listen: 127.0.0.1:{port}
  grace: 2s
phases:
  - name: puts
    iterations: 20
    flow:
      - put: {{ key: "k-{{iter}}", size: 16 }}
thresholds:
  - errors.rate < 0.01
seed: 3
"""

TOPIC_ONLY = """
target:
  endpoint: {endpoint}
  credentials: env
setup:
  topics:
    - name: ceph-denied
events:
  source: webhook
  listen: 127.0.0.1:0
phases:
  - name: nothing
    iterations: 1
    flow:
      - list: {{ bucket: ceph-denied-bucket, prefix: "x" }}
seed: 6
"""

TWO_TOPICS = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: ceph-two-topics
setup:
  buckets: [ceph-two-topics]
  topics: [ {{ name: ceph-two-a }}, {{ name: ceph-two-b }} ]
  notifications:
    - {{ bucket: ceph-two-topics, events: ["s3:ObjectCreated:*"], webhook: true }}
events:
  source: webhook
  listen: 127.0.0.1:0
phases:
  - name: puts
    iterations: 1
    flow:
      - put: {{ key: "k", size: 1 }}
seed: 7
"""


class CephWalkthrough(ceph_harness.CephTestCase):
    def test_scenario_file_delivers_all_five_event_types(self):
        env = self.cluster.env(S3_BUCKET="ceph-walk", CEPH_TOPIC="ceph-walk-events",
                               STORM_DURATION="3s", CONCURRENCY="4", EVENTS_GRACE="5s")
        r = harness.run_s3storm(["run", SCENARIO, "--json", self.json, "--quiet"], env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn(self.cluster.secret_key, r.stdout + r.stderr)
        report = harness.load_report(self.json)
        walk = report["phases"][0]["ops"]
        for name in ("put", "copy", "delete", "post", "multipart"):
            self.assertEqual((walk[name]["ok"], walk[name]["errors"]), (1, 0), name)
        self.assertGreater(report["phases"][1]["ops"]["put"]["ok"], 20)
        by_type = report["events"]["by_type"]
        for name in EVENT_TYPES:
            counts = by_type[name]
            self.assertGreaterEqual(counts["expected"], 1, name)
            self.assertEqual(counts["delivered"], counts["expected"], name)
            self.assertEqual((counts["missing"], counts["unexpected"]), (0, 0), name)

        s3 = self.cluster.s3()
        sizes = {o["Key"]: o["Size"] for o in
                 s3.list_objects_v2(Bucket="ceph-walk", Prefix="walk/").get("Contents", [])}
        self.assertEqual(sizes, {"walk/test-0.txt": 29, "walk/post-0.txt": 29,
                                 "walk/big-0.bin": 6 * 1024 * 1024})
        self.assertEqual(len(s3.get_object(Bucket="ceph-walk", Key="walk/test-0.txt")["Body"].read()), 29)
        big = s3.head_object(Bucket="ceph-walk", Key="walk/big-0.bin")
        self.assertRegex(big["ETag"], r'^"[0-9a-f]{32}-2"$')

    def test_wrong_secret_fails_every_request_as_signature_does_not_match(self):
        s3 = self.cluster.s3()
        s3.create_bucket(Bucket="ceph-wrong-secret")
        port = harness.free_port()
        # A notification to the run's webhook, so an event RGW sent would show as unexpected.
        import boto3
        sns = boto3.client("sns", endpoint_url=self.cluster.endpoint, region_name="us-east-1",
                           aws_access_key_id=self.cluster.access_key,
                           aws_secret_access_key=self.cluster.secret_key)
        arn = sns.create_topic(Name="ceph-wrong-secret-events", Attributes={
            "push-endpoint": f"http://127.0.0.1:{port}/"})["TopicArn"]
        s3.put_bucket_notification_configuration(Bucket="ceph-wrong-secret", NotificationConfiguration={
            "TopicConfigurations": [{"Id": "all", "TopicArn": arn,
                                     "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]})
        wrong = self.cluster.secret_key[::-1] + "x"
        path = harness.write_scenario(self.dir.name, WRONG_SECRET.format(
            endpoint=self.cluster.endpoint, port=port))
        r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                env=self.cluster.env(AWS_SECRET_ACCESS_KEY=wrong))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)  # errors.rate < 0.01 fails
        self.assertNotIn(wrong, r.stdout + r.stderr)
        report = harness.load_report(self.json)
        put = report["phases"][0]["ops"]["put"]
        self.assertEqual((put["count"], put["ok"], put["errors"]), (20, 0, 20))
        self.assertEqual(put["errors_by_code"], {"SignatureDoesNotMatch": 20})
        self.assertEqual(put["errors_by_status"], {"403": 20})
        for name, counts in report["events"]["by_type"].items():
            self.assertEqual((counts["expected"], counts["delivered"], counts["unexpected"]),
                             (0, 0, 0), name)
        self.assertEqual(s3.list_objects_v2(Bucket="ceph-wrong-secret").get("KeyCount"), 0)

    def test_topic_refused_for_a_wrong_secret_is_a_setup_error(self):
        path = harness.write_scenario(self.dir.name, TOPIC_ONLY.format(
            endpoint=self.cluster.endpoint))
        wrong = self.cluster.secret_key[::-1] + "x"
        r = harness.run_s3storm(["run", path, "--quiet"],
                                env=self.cluster.env(AWS_SECRET_ACCESS_KEY=wrong))
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("setup.topics: creating topic 'ceph-denied' failed: HTTP 403", r.stderr)
        self.assertIn("SignatureDoesNotMatch", r.stderr)
        self.assertNotIn(wrong, r.stdout + r.stderr)

    def test_webhook_true_with_two_topics_to_the_webhook_is_a_setup_error(self):
        path = harness.write_scenario(self.dir.name, TWO_TOPICS.format(
            endpoint=self.cluster.endpoint))
        r = harness.run_s3storm(["run", path, "--quiet"], env=self.cluster.env())
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("needs exactly one setup.topics entry pushing to the run's webhook", r.stderr)
        self.assertIn("found 2", r.stderr)
        self.assertEqual(self.cluster.s3().list_objects_v2(Bucket="ceph-two-topics")["KeyCount"], 0)


if __name__ == "__main__":
    ceph_harness.main()
