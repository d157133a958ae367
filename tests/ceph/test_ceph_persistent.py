"""A sustained mixed run (over 2,000 operations) against Ceph RGW with a persistent topic, which
delivers asynchronously and at least once: the report stays consistent (delivered + missing ==
expected for every type), and every repeat of a record RGW pushed is counted as a duplicate,
never as an extra delivery. A relay between RGW and the run's webhook records what RGW sent.
Then, on the same topic (now warm: RGW pushes it at once), a short run with a refuse and a 503
outage of its webhook: RGW retries, so each outage's events arrive late, none is lost, and the
report's late, lost and duplicated counts and recovery times are exactly what the relay saw."""
import collections
import itertools
import json
import os
import sys
import time

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


# The same warm topic, for a bucket of its own. A refuse outage while the first phase puts and
# a 503 outage while the third does; the second only waits, so that every operation of the
# first phase completes before the first outage ends and every one of the third between the two
# ends: each operation's outage is known from its key's prefix.
OUTAGES = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: {bucket}
setup:
  buckets: [{bucket}]
  notifications:
    - bucket: {bucket}
      events: ["s3:ObjectCreated:*"]
      topic: arn:aws:sns:default::{topic}
events:
  source: webhook
  listen: 127.0.0.1:{port}
  grace: 10s
  outages:
    - {{at: 500ms, for: 2s, mode: refuse}}
    - {{at: 3500ms, for: 2s, mode: 503}}
phases:
  - name: refused
    iterations: {puts}
    rate: 20/s
    concurrency: 4
    flow:
      - put: {{ key: "a/{{iter}}", size: 16 }}
  - name: between          # waits, so that the next phase starts after the first outage
    iterations: 1
    think: 1500ms
    flow:
      - head: {{ key: "a/0" }}
      - head: {{ key: "a/0" }}
  - name: answered-503
    iterations: {puts}
    rate: 20/s
    concurrency: 4
    flow:
      - put: {{ key: "b/{{iter}}", size: 16 }}
  - name: after            # the run listens on while the second backlog and its repeats come
    iterations: 1
    think: 2s
    flow:
      - head: {{ key: "b/0" }}
      - head: {{ key: "b/0" }}
thresholds:
  - events.missing == 0
  - events.outage_lost == 0
  - events.outage_recovery < 5s
seed: 11
"""
OUTAGE_BUCKET = "ceph-outage-persistent"
OUTAGE_PUTS = 30


class CephPersistentTopic(ceph_harness.CephTestCase):
    def test_sustained_run_then_outages_on_the_warm_topic(self):
        # A topic of its own each time: RGW's queue for a persistent topic delivers in order, so
        # records left over for an earlier run's (closed) relay would hold back these.
        topic = f"ceph-persistent-{os.getpid()}"
        with ceph_harness.Relay() as relay:
            self.sustained_run_counts_duplicates_as_duplicates(relay, topic)
            # RGW 16.2 starts pushing a new persistent topic only when it next lists its queues
            # (every 30 s); this topic is now being pushed, so a short run on it sees its
            # outages' events come late.
            self.outages_deliver_late_not_lost(relay, topic)

    def sustained_run_counts_duplicates_as_duplicates(self, relay, topic):
        port = harness.free_port()
        relay.target = f"http://127.0.0.1:{port}/"
        path = harness.write_scenario(self.dir.name, SUSTAINED.format(
            endpoint=self.cluster.endpoint, relay=relay.url, port=port, iterations=ITERATIONS,
            topic=topic))
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

    def outages_deliver_late_not_lost(self, relay, topic):
        port = harness.free_port()
        with relay.lock:
            relay.only_bucket = OUTAGE_BUCKET  # the sustained run's late repeats: not this run's
            relay.serial = True
            relay.target = f"http://127.0.0.1:{port}/"
            relay.pushes.clear()
        path = harness.write_scenario(self.dir.name, OUTAGES.format(
            endpoint=self.cluster.endpoint, port=port, topic=topic, bucket=OUTAGE_BUCKET,
            puts=OUTAGE_PUTS), name="outages.yaml")
        started = time.monotonic()
        r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                env=self.cluster.env(), timeout=60)
        print(f"the outage run took {time.monotonic() - started:.1f} s", file=sys.stderr)
        with relay.lock:
            pushes = list(relay.pushes)
        report = harness.load_report(self.json)
        try:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)  # its thresholds held
            self.check_outages(report, pushes)
        except AssertionError:
            print(describe_pushes(pushes, report["phases"][0]["started_epoch_s"]),
                  file=sys.stderr)
            raise

    def check_outages(self, report, pushes):
        phases = {phase["name"]: phase for phase in report["phases"]}
        outages = report["events"]["outages"]
        print("outages: " + "; ".join(
            f"{o['mode']}: {o['late']} late, {o['lost']} lost, {o['duplicated']} duplicated, "
            f"first event after {o['first_event_s']:.2f} s, recovered after "
            f"{o['recovered_s']:.2f} s" for o in outages), file=sys.stderr)
        self.assertEqual([(o["mode"], o["at_s"], o["for_s"]) for o in outages],
                         [("refuse", 0.5, 2), ("503", 3.5, 2)])

        # Each outage's operations are one phase's: the first phase ended before the first
        # outage did, the third ran between the two ends. On a machine too slow for that the
        # counts below would be of other operations, so say so instead.
        def span(name):
            return (phases[name]["started_epoch_s"],
                    phases[name]["started_epoch_s"] + phases[name]["duration_s"])
        ends = [span("refused")[0] + o["at_s"] + o["for_s"] for o in outages]
        self.assertLess(span("refused")[1], ends[0], "the first phase outlasted the first outage")
        self.assertGreater(span("answered-503")[0], ends[0], "the third phase began too early")
        self.assertLess(span("answered-503")[1], ends[1], "the third phase outlasted the outage")
        # A start the generator could not make in time (a loaded machine) is dropped, not sent.
        puts = {}
        for name in ("refused", "answered-503"):
            put = phases[name]["ops"]["put"]
            self.assertEqual((put["ok"] + phases[name]["dropped"], put["errors"]),
                             (OUTAGE_PUTS, 0), name)
            puts[name] = put["ok"]

        # Pushes the relay failed after the run had closed its webhook are no outage's.
        while pushes and not pushes[-1][1] and pushes[-1][0] > span("after")[1]:
            pushes.pop()
        # The relay's record is in the order the run received it. Nothing is taken during an
        # outage and RGW pushes during each (it puts while each is on), so the pushes are: taken
        # (before the first outage), failed (in it), taken, failed (in the second), taken.
        outcomes = [took for _, took, _ in pushes]
        runs = [took for took, _ in itertools.groupby(outcomes)]
        self.assertEqual(runs[-4:], [False, True, False, True], "taken and failed, in order")
        self.assertLessEqual(len(runs), 5, runs)
        failed_from = [i for i in range(len(outcomes))  # where each outage's failures begin
                       if not outcomes[i] and (i == 0 or outcomes[i - 1])]
        first_taken = {}  # (eventName, key) -> index of the push that delivered it first
        repeats = []  # indexes of pushes of something already delivered
        for index, (_, took, records) in enumerate(pushes):
            for record in records if took else []:
                if record in first_taken:
                    repeats.append(index)
                else:
                    first_taken[record] = index
        ever_failed = {record for _, took, records in pushes if not took for record in records}

        totals = report["events"]["totals"]
        self.assertEqual((totals["expected"], totals["delivered"], totals["missing"],
                          totals["unexpected"], totals["duplicate"]),
                         (sum(puts.values()), len(first_taken), 0, 0, len(repeats)))
        for outage, prefix, phase, failed_at, end in zip(
                outages, ("a/", "b/"), ("refused", "answered-503"), failed_from, ends):
            mine = {record: index for record, index in first_taken.items()
                    if record[1].startswith(prefix)}
            late = {record: index for record, index in mine.items() if index > failed_at}
            # What RGW pushed while the webhook was away came again after it, and counted.
            self.assertLessEqual({r for r in ever_failed if r[1].startswith(prefix)}, set(late))
            # RGW 16.2 retries a persistent topic's push until it is taken: nothing is lost.
            self.assertEqual((outage["late"], outage["lost"]),
                             (len(late), puts[phase] - len(mine)), outage)
            self.assertEqual(outage["lost"], 0, outage)
            self.assertGreater(outage["late"], 0, outage)
            # From the outage's start to its backlog's last late delivery (or the first
            # delivery after it, if later), every repeat counts as this outage's duplicate.
            came_back = outcomes.index(True, failed_at)
            drained = max([came_back, *late.values()])
            self.assertEqual(outage["duplicated"],
                             sum(1 for index in repeats if failed_at < index <= drained), outage)
            # The relay notes a push just after the run answered it: within 0.2 s of the report.
            self.assertAlmostEqual(outage["first_event_s"], pushes[came_back][0] - end, delta=0.2)
            self.assertAlmostEqual(outage["recovered_s"], pushes[drained][0] - end, delta=0.2)


def describe_pushes(pushes, start):
    """The relay's record for a failed test's log: each taken push, and each stretch of
    failed ones as one line."""
    lines = []
    for took, group in itertools.groupby(pushes, key=lambda push: push[1]):
        group = list(group)
        if took:
            lines += [f"{when - start:7.3f} s  taken  {records}" for when, _, records in group]
        else:
            keys = sorted({key for _, _, records in group for _, key in records})
            lines.append(f"{group[0][0] - start:7.3f} s  {len(group)} failed until "
                         f"{group[-1][0] - start:.3f} s: {' '.join(keys)}")
    return "relay (seconds from the first phase's start):\n" + "\n".join(lines)

if __name__ == "__main__":
    ceph_harness.main()
