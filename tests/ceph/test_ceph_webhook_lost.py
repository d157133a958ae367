"""A webhook that goes away half-way through a run against Ceph RGW: RGW's synchronous topic
loses the events it cannot push (the S3 operations still succeed), and the report shows exactly
those as missing. Outages staged by the run itself (events.outages, refuse and 503) lose exactly
what RGW failed to push in each, none arrive late (a synchronous topic never pushes again), and
the events after each outage arrive."""
import os
import sys

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


OUTAGES = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: ceph-outage
setup:
  buckets: [ceph-outage]
  topics:
    - name: {topic}
      push_endpoint: {relay}
  notifications:
    - bucket: ceph-outage
      events: ["s3:ObjectCreated:*"]
      topic: arn:aws:sns:default::{topic}
events:
  source: webhook
  listen: 127.0.0.1:{port}
  grace: 3s
  outages:
    - {{at: 1500ms, for: 2s, mode: refuse}}
    - {{at: 5s, for: 2s, mode: 503}}
phases:
  - name: puts
    iterations: {puts}
    concurrency: 1
    think: 50ms            # between the PUT and the HEAD: about 20 PUTs a second, in key order
    flow:
      - put: {{ key: "o/{{iter}}", size: 16 }}
      - head: {{ key: last }}
seed: 9
"""
OUTAGE_PUTS = 200


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


    def test_staged_outages_lose_exactly_what_rgw_could_not_push(self):
        port = harness.free_port()
        with ceph_harness.Relay() as relay:
            relay.target = f"http://127.0.0.1:{port}/"
            path = harness.write_scenario(self.dir.name, OUTAGES.format(
                endpoint=self.cluster.endpoint, relay=relay.url, port=port, puts=OUTAGE_PUTS,
                topic=f"ceph-outage-{os.getpid()}"))  # no topic of an earlier run in the way
            r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                    env=self.cluster.env())
            with relay.lock:
                forwarded, failed = len(relay.forwarded), relay.failed
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = harness.load_report(self.json)
        put = report["phases"][0]["ops"]["put"]
        self.assertEqual((put["ok"], put["errors"]), (OUTAGE_PUTS, 0))
        totals = report["events"]["totals"]
        # What RGW pushed and the webhook refused (connection refused, or 503) is lost for good.
        self.assertGreater(failed, 0)
        self.assertEqual((totals["expected"], totals["delivered"], totals["missing"],
                          totals["duplicate"], totals["unexpected"]),
                         (OUTAGE_PUTS, forwarded, failed, 0, 0))
        outages = report["events"]["outages"]
        self.assertEqual([(o["mode"], o["at_s"], o["for_s"]) for o in outages],
                         [("refuse", 1.5, 2), ("503", 5, 2)])
        print("outages: " + "; ".join(
            f"{o['mode']}: {o['lost']} lost, {o['late']} late, first event after "
            f"{o['first_event_s']:.2f} s" for o in outages), file=sys.stderr)
        self.assertEqual(sum(o["lost"] for o in outages), failed)
        for outage in outages:
            self.assertGreater(outage["lost"], 0, outage)
            self.assertEqual((outage["late"], outage["duplicated"]), (0, 0), outage)
            self.assertGreaterEqual(outage["first_event_s"], 0, outage)  # events came after it


if __name__ == "__main__":
    ceph_harness.main()
