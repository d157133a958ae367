"""Ceph RGW -> RabbitMQ -> s3storm, for real: setup creates RGW topics with AMQP push endpoints
(amqp-exchange, amqp-ack-level), RGW publishes every event to a RabbitMQ started for this file
(tests/support/rabbitmq.py), and the run reads them with `events.source: amqp`.

- ack level `broker`: the seed walkthrough (put, copy, delete, POST, multipart) delivers all
  five event types, 0 missing.
- ack level `none` with the broker unreachable from RGW for part of the run: RGW still answers
  every PUT, the events it could not publish are lost, and the report's missing count equals
  exactly what the broker never received (a second queue bound to the same exchange is the
  witness).
- RGW 16.2 refuses an amqp:// endpoint that carries a password when the topic is created over
  plain HTTP (it has no rgw_allow_notification_secrets_in_cleartext): setup stops with exit 2
  and one line saying so, before any load."""
import os
import sys
import time

import ceph_harness
from ceph_harness import harness

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "support"))
from rabbitmq import Witness  # noqa: E402
from tcp_proxy import TcpProxy  # noqa: E402

EVENT_TYPES = ("ObjectCreated:Put", "ObjectCreated:Copy", "ObjectRemoved:Delete",
               "ObjectCreated:Post", "ObjectCreated:CompleteMultipartUpload")

# No user in the push endpoint: RGW then logs in as guest (rabbitmq-c's default), which the
# test broker allows. A password would be refused over plain HTTP (see the last test).
WALKTHROUGH = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: {bucket}
setup:
  buckets: [{bucket}]
  topics:
    - name: {topic}
      push_endpoint: amqp://127.0.0.1:{broker_port}
      amqp_exchange: {exchange}
      amqp_ack_level: broker
  notifications:
    - bucket: {bucket}
      events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
      topic: arn:aws:sns:default::{topic}
events:
  source: amqp
  grace: 10s
  amqp:
    url: {url}
    exchange: {exchange}
phases:
  - name: walkthrough
    iterations: 1
    flow:
      - put:       {{ key: "walk/test-{{iter}}.txt", size: 29, content_type: text/plain }}
      - copy:      {{ from: last, key: "walk/copy-{{iter}}.txt" }}
      - delete:    {{ key: last }}
      - post:      {{ key: "walk/post-{{iter}}.txt", size: 29 }}
      - multipart: {{ key: "walk/big-{{iter}}.bin", size: 6MiB, part_size: 5MiB }}
thresholds:
  - errors.count == 0
  - events.missing == 0
seed: 15
"""

PUTS = 160  # at 20 a second the run lasts 8 s or more, and the outage about a third of it

ACK_NONE = """
target:
  endpoint: {endpoint}
  credentials: env
  bucket: {bucket}
setup:
  buckets: [{bucket}]
  topics:
    - name: {topic}
      push_endpoint: amqp://127.0.0.1:{proxy_port}
      amqp_exchange: {exchange}
      amqp_ack_level: none
  notifications:
    - bucket: {bucket}
      events: ["s3:ObjectCreated:*"]
      topic: arn:aws:sns:default::{topic}
""" + ceph_harness.AMQP_PUTS_WITH_PAUSES

PASSWORD_TOPIC = """
target:
  endpoint: {endpoint}
  credentials: env
setup:
  topics:
    - name: ceph-amqp-secret
      push_endpoint: amqp://rgw:{password}@127.0.0.1:{broker_port}
      amqp_exchange: {exchange}
events:
  source: amqp
  amqp: {{ url: "{url}", exchange: {exchange} }}
phases:
  - name: nothing
    iterations: 1
    flow:
      - list: {{ bucket: ceph-amqp-secret-bucket, prefix: "x" }}
seed: 17
"""


class CephAmqp(ceph_harness.CephAmqpTestCase):
    def test_walkthrough_with_broker_acks_delivers_all_five_event_types(self):
        names = self.names("ceph-amqp-walk")
        self.broker.declare_exchange(names["exchange"])  # RGW publishes only to one that exists
        path = harness.write_scenario(self.dir.name, WALKTHROUGH.format(
            endpoint=self.cluster.endpoint, broker_port=self.broker.port, url=self.broker.url(),
            **names))
        started = time.monotonic()
        r = harness.run_s3storm(["run", path, "--json", self.json, "--quiet"],
                                env=self.cluster.env())
        print(f"walkthrough run: {time.monotonic() - started:.1f} s", file=sys.stderr)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = harness.load_report(self.json)
        walk = report["phases"][0]["ops"]
        for name in ("put", "copy", "delete", "post", "multipart"):
            self.assertEqual((walk[name]["ok"], walk[name]["errors"]), (1, 0), name)
        events = report["events"]
        self.assertEqual(events["source"], "amqp")
        self.assertEqual(events["reconnects"], 0)
        for name in EVENT_TYPES:
            counts = events["by_type"][name]
            self.assertEqual((counts["expected"], counts["delivered"], counts["missing"],
                              counts["duplicate"], counts["unexpected"], counts["mismatched"]),
                             (1, 1, 0, 0, 0, 0), name)
        self.assertEqual(events["totals"]["delivered"], 5)

    def test_ack_level_none_loses_exactly_what_the_broker_never_got(self):
        names = self.names("ceph-amqp-none")
        self.broker.declare_exchange(names["exchange"])
        # The witness gets a copy of every message the broker accepted from RGW.
        with Witness(self.broker, names["exchange"]) as witness, \
                TcpProxy(self.broker.port) as proxy:
            path = harness.write_scenario(self.dir.name, ACK_NONE.format(
                endpoint=self.cluster.endpoint, proxy_port=proxy.port, url=self.broker.url(),
                puts=PUTS, grace="3s", seed=16, **names))
            started = time.monotonic()
            # The outage starts once a few dozen events went through, and lasts 2.5 s.
            r, _, _ = ceph_harness.run_with_outage(
                ["run", path, "--json", self.json, "--quiet"], self.cluster.env(),
                ready=lambda: witness.depth() >= 30, down=proxy.down, up=proxy.up, seconds=2.5)
            print(f"ack none run: {time.monotonic() - started:.1f} s; RGW connected "
                  f"{proxy.accepted} time(s)", file=sys.stderr)
            received = witness.drain()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = harness.load_report(self.json)
        put = report["phases"][0]["ops"]["put"]
        self.assertEqual((put["ok"], put["errors"]), (PUTS, 0))  # RGW answers despite the loss

        every = [f"n/{i}" for i in range(PUTS)]
        self.assertEqual(len(received), len(set(received)))  # ack none: at most once
        lost = [key for key in every if key not in set(received)]
        print(f"ack none: {len(received)} published, {len(lost)} lost "
              f"({lost[0] if lost else '-'} .. {lost[-1] if lost else '-'})", file=sys.stderr)
        # The loss is the outage: one unbroken stretch of PUTs, with events on both sides of it.
        self.assertGreaterEqual(len(lost), 20)  # 2.5 s at 20 PUT/s, whatever RGW's timing
        first, last = every.index(lost[0]), every.index(lost[-1])
        self.assertEqual(lost, every[first:last + 1])
        self.assertGreater(first, 0)
        self.assertLess(last, PUTS - 1)
        # RGW connected again after the outage (the proxy let it in twice at least).
        self.assertGreaterEqual(proxy.accepted, 2)

        counts = report["events"]["by_type"]["ObjectCreated:Put"]
        self.assertEqual((counts["expected"], counts["delivered"], counts["missing"],
                          counts["duplicate"], counts["unexpected"]),
                         (PUTS, PUTS - len(lost), len(lost), 0, 0))
        # The report lists the oldest 20 missing, as "bucket/key (type)".
        self.assertEqual(report["events"]["missing_keys"],
                         [f"{names['bucket']}/{key} (ObjectCreated:Put)" for key in lost[:20]])
        self.assertEqual(report["events"]["reconnects"], 0)  # the run's own consumer: untouched

    def test_password_in_push_endpoint_over_plain_http_is_a_setup_error(self):
        password = "not-for-cleartext"
        path = harness.write_scenario(self.dir.name, PASSWORD_TOPIC.format(
            endpoint=self.cluster.endpoint, password=password, broker_port=self.broker.port,
            url=self.broker.url(), exchange="ceph-amqp-secret-x"))
        self.broker.declare_exchange("ceph-amqp-secret-x")
        r = harness.run_s3storm(["run", path, "--quiet"], env=self.cluster.env())
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("setup.topics: creating topic 'ceph-amqp-secret' failed", lines[0])
        self.assertIn("https", lines[0])
        self.assertNotIn(password, r.stdout + r.stderr)


if __name__ == "__main__":
    ceph_harness.main()
