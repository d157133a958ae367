"""A sustained mixed run (over 2,000 operations) against Ceph RGW with a persistent topic, which
delivers asynchronously and at least once: the report stays consistent (delivered + missing ==
expected for every type), and every repeat of a record RGW pushed is counted as a duplicate,
never as an extra delivery. A relay between RGW and the run's webhook records what RGW sent."""
import collections
import json
import os
import sys

import ceph_harness
from ceph_harness import harness

ITERATIONS = 2200

SUSTAINED = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: ceph-persistent
setup:
  buckets: [ceph-persistent]
  topics:
    - name: {topic}
      push_endpoint: {relay}
      persistent: true
  notifications:
    - bucket: ceph-persistent
      events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
      topic: arn:aws:sns:default::{topic}
events:
  source: webhook
  listen: 127.0.0.1:{port}
  grace: 60s
phases:
  - name: sustained
    iterations: {iterations}
    concurrency: 8
    mix:
      - {{ weight: 70, put: {{ key: "p/{{worker}}-{{seq}}", size: {{ uniform: {{ min: 16, max: 2KiB }} }} }} }}
      - {{ weight: 20, copy: {{ from: last, key: "p/cp-{{worker}}-{{seq}}" }} }}
      - {{ weight: 10, delete: {{ key: last }} }}
thresholds:
  - errors.count == 0
seed: 5
"""


class CephPersistentTopic(ceph_harness.CephTestCase):
    def test_sustained_run_counts_duplicates_as_duplicates(self):
        port = harness.free_port()
        with ceph_harness.Relay() as relay:
            relay.target = f"http://127.0.0.1:{port}/"
            path = harness.write_scenario(self.dir.name, SUSTAINED.format(
                endpoint=self.cluster.endpoint, relay=relay.url, port=port, iterations=ITERATIONS,
                # A topic of its own each time: RGW's queue for a persistent topic delivers in
                # order, so records left over for an earlier run's (closed) relay would hold
                # back these.
                topic=f"ceph-persistent-{os.getpid()}"))
            r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                    env=self.cluster.env(), timeout=280)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with relay.lock:
                forwarded = list(relay.forwarded)
        report = harness.load_report(self.json)
        print(json.dumps(report["events"]["totals"]), file=sys.stderr)  # in ctest's log
        ops = report["phases"][0]["ops"]
        self.assertGreaterEqual(sum(op["ok"] for op in ops.values()), 2000)
        self.assertEqual(sum(op["errors"] for op in ops.values()), 0)

        # What RGW pushed, per type and key. The run stops counting once every expected event
        # has arrived (or the grace ran out), while RGW may still be pushing repeats: a repeat
        # forwarded before the last first-delivery was surely counted; later ones may not be.
        sent = collections.defaultdict(collections.Counter)  # type -> key -> pushes
        surely_counted = collections.Counter()  # type -> repeats forwarded before the last new key
        repeats_so_far = collections.Counter()
        for event, key in forwarded:
            name = event.removeprefix("s3:")
            if sent[name][key]:
                repeats_so_far[name] += 1
            else:
                surely_counted = collections.Counter(repeats_so_far)
            sent[name][key] += 1
        by_type = report["events"]["by_type"]
        self.assertGreater(by_type["ObjectCreated:Put"]["expected"], ITERATIONS // 2)
        # RGW delivers within the grace here (all of them, on a quiet machine); half is the
        # floor below which the run says nothing about duplicates.
        totals = report["events"]["totals"]
        self.assertGreater(totals["delivered"], totals["expected"] // 2)
        for name, counts in by_type.items():
            self.assertEqual(counts["delivered"] + counts["missing"], counts["expected"], name)
            self.assertEqual(counts["unexpected"], 0, name)
            keys = sent.get(name, collections.Counter())
            # Each distinct (type, key) RGW pushed is one delivery; every further push of it
            # is a duplicate, never another delivery.
            self.assertEqual(counts["delivered"], len(keys), name)
            self.assertLessEqual(counts["duplicate"], sum(keys.values()) - len(keys), name)
            self.assertGreaterEqual(counts["duplicate"], surely_counted[name], name)
        self.assertEqual(set(sent) - set(by_type), set())


if __name__ == "__main__":
    ceph_harness.main()
