"""A webhook that goes away half-way through a run against Ceph RGW: RGW's synchronous topic
loses the events it cannot push (the S3 operations still succeed), and the report shows exactly
those as missing."""

import ceph_harness
from ceph_harness import harness

PUTS = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: ceph-lost
setup:
  buckets: [ceph-lost]
  topics:
    - name: ceph-lost-events
      push_endpoint: {relay}
  notifications:
    - bucket: ceph-lost
      events: ["s3:ObjectCreated:*"]
      topic: arn:aws:sns:default::ceph-lost-events
events:
  source: webhook
  listen: 127.0.0.1:{port}
  grace: 3s
phases:
  - name: puts
    iterations: 40
    concurrency: 1
    flow:
      - put: {{ key: "lost/{{iter}}", size: 64 }}
thresholds:
  - events.missing == 0
seed: 4
"""


class CephWebhookStoppedHalfway(ceph_harness.CephTestCase):
    def test_events_pushed_after_the_webhook_stopped_are_missing(self):
        port = harness.free_port()
        with ceph_harness.Relay(stop_after=15) as relay:
            relay.target = f"http://127.0.0.1:{port}/"
            path = harness.write_scenario(self.dir.name, PUTS.format(
                endpoint=self.cluster.endpoint, relay=relay.url, port=port))
            r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                    env=self.cluster.env())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)  # events.missing == 0 fails
        report = harness.load_report(self.json)
        put = report["phases"][0]["ops"]["put"]
        self.assertEqual((put["ok"], put["errors"]), (40, 0))  # RGW answers even when its push fails
        forwarded = len(relay.forwarded)
        self.assertEqual(forwarded, 15)  # one put at a time: the relay stops at exactly 15
        self.assertEqual(relay.failed, 0)
        counts = report["events"]["by_type"]["ObjectCreated:Put"]
        self.assertEqual((counts["expected"], counts["delivered"], counts["missing"]),
                         (40, forwarded, 40 - forwarded))
        self.assertEqual((counts["duplicate"], counts["unexpected"]), (0, 0))
        self.assertTrue(report["events"]["missing_keys"])


if __name__ == "__main__":
    ceph_harness.main()
