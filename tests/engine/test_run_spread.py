"""Spreading the load, through the binary: a bucket template (`load-{hash:1}`) that setup creates
and configures on every bucket it can produce, each key in the bucket its hash picks, events from
all of them matched and cleanup emptying them all; per-phase key streams (`{uuid}` differs from
phase to phase, and repeats with the seed); several endpoints (`target.endpoints`), split per
worker or round robin, against two `s3storm serve` and two nginx, reported per endpoint."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

MASK = (1 << 64) - 1


def text_hash(text):
    """src/util/rng.hpp's text_hash: FNV-1a, then one splitmix64 round."""
    h = 0xcbf29ce484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001b3) & MASK
    z = (h + 0x9e3779b97f4a7c15) & MASK
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK
    return z ^ (z >> 31)


BUCKETS = """
target:
  endpoint: {endpoint}
  bucket: "load-{{hash:1}}"
setup:
  buckets: ["load-{{hash:1}}"]
  notifications:
    - bucket: "load-{{hash:1}}"
      events: ["s3:ObjectCreated:*"]
      queue: arn:aws:sqs:us-east-1:000000000000:spread
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 5s
phases:
  - name: one
    iterations: 48
    flow:
      - put: {{ key: "u/{{uuid}}", size: 100 }}
      - copy: {{ from: last, key: "c/{{iter}}" }}
      - get: {{ key: last, verify: true }}
  - name: two
    iterations: 48
    flow:
      - put: {{ key: "u/{{uuid}}", size: 100 }}
  - name: reads
    iterations: 48
    concurrency: 2
    flow:
      - head: {{ key: "c/{{iter}}" }}
      - delete: {{ key: "c/{{iter}}" }}
thresholds:
  - errors.count == 0
  - events.missing == 0
  - events.unexpected == 0
seed: 17
"""


def objects_by_bucket(client):
    out = {}
    for bucket in client.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        listing = client.list_objects_v2(Bucket=name)
        out[name] = [o["Key"] for o in listing.get("Contents", [])]
    return out


class BucketTemplates(unittest.TestCase):
    def test_spread_over_every_bucket_with_events_and_cleanup(self):
        hook = harness.free_port()
        with tempfile.TemporaryDirectory() as d, \
                harness.EmbeddedServer("--notify", f"http://127.0.0.1:{hook}/") as serve:
            path = harness.write_scenario(d, BUCKETS.format(endpoint=serve.endpoint, hook=hook))
            json_path = os.path.join(d, "report.json")
            r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            report = harness.load_report(json_path)
            client = harness.boto3_client(serve.endpoint)
            buckets = objects_by_bucket(client)

            # Setup made all sixteen; every key sits in the bucket its hash names.
            self.assertEqual(sorted(buckets), [f"load-{d:x}" for d in range(16)])
            keys = [k for objects in buckets.values() for k in objects]
            for name, objects in buckets.items():
                for key in objects:
                    self.assertEqual(name, f"load-{text_hash(key) >> 60:x}", key)
            self.assertGreaterEqual(sum(1 for o in buckets.values() if o), 12)
            # Phases one and two both write u/{uuid} from flow 0: 96 distinct keys, not 48 twice.
            self.assertEqual(len([k for k in keys if k.startswith("u/")]), 96)
            self.assertEqual([k for k in keys if k.startswith("c/")], [])  # reads deleted them

            # Events: created (put + copy) on every bucket expected and matched exactly; the
            # deletes are not configured on any bucket, so none arrives (no bucket left out).
            events = report["events"]["totals"]
            self.assertEqual((events["expected"], events["delivered"], events["missing"],
                              events["unexpected"]), (144, 144, 0, 0))
            self.assertEqual(harness.op(report, 0, "copy")["count"], 48)
            self.assertEqual(harness.op(report, 2, "head")["errors"], 0)

            # The same seed writes the same keys again (one flow per phase, so each flow's share
            # of the iterations does not depend on timing); cleanup then empties every bucket.
            r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet",
                                     "--set", "setup.cleanup=true"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(harness.load_report(json_path)["cleanup"]["deleted"], 96)
            self.assertEqual({k: v for k, v in objects_by_bucket(client).items() if v}, {})


ENDPOINTS = """
target:
  endpoints: [{a}, {b}]
  spread: {spread}
  bucket: two
setup:
  buckets: [two]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 5s
phases:
  - name: flows
    iterations: 40
    concurrency: 4
    flow:
      - put: {{ key: "{spread}/{{worker}}/{{iter}}", size: 64 }}
      - copy: {{ from: last, key: "{spread}-copy/{{worker}}/{{iter}}" }}
      - get: {{ key: last, verify: true }}
  - name: parts
    iterations: 4
    concurrency: 2
    flow:
      - multipart: {{ key: "{spread}-mp/{{worker}}/{{iter}}", size: 6MiB, part_size: 5MiB }}
thresholds:
  - errors.count == 0
  - events.missing == 0
seed: 3
"""


def endpoint_counts(report, phase):
    return [(e["url"], e["count"], e["errors"]) for e in report["phases"][phase]["endpoints"]]


class SeveralEndpoints(unittest.TestCase):
    def test_two_serves_per_worker_and_round_robin(self):
        hook = harness.free_port()
        notify = ("--notify", f"http://127.0.0.1:{hook}/")
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer(*notify) as a, \
                harness.EmbeddedServer(*notify) as b:
            clients = [harness.boto3_client(a.endpoint), harness.boto3_client(b.endpoint)]
            for spread in ("per-worker", "round-robin"):
                path = harness.write_scenario(d, ENDPOINTS.format(
                    a=a.endpoint, b=b.endpoint, spread=spread, hook=hook))
                json_path = os.path.join(d, "report.json")
                r = harness.run_s3storm(["run", path, "--json", json_path])
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                report = harness.load_report(json_path)
                # Every iteration stayed on one endpoint: put, copy and verified get of one key
                # (none failed), and each multipart upload whole on one.
                def listed(client, prefix):
                    return [o["Key"] for o in client.list_objects_v2(
                        Bucket="two", Prefix=prefix).get("Contents", [])]

                keys = [listed(c, spread + "/") for c in clients]
                uploads = [listed(c, spread + "-mp/") for c in clients]
                self.assertEqual(len(keys[0]) + len(keys[1]), 40)
                self.assertEqual(len(uploads[0]) + len(uploads[1]), 4)
                for side in (0, 1):
                    for key in keys[side] + uploads[side]:
                        worker, iteration = map(int, key.split("/")[1:])
                        # per-worker: flow slot i on endpoint i mod 2; round-robin: iteration i.
                        chosen = worker if spread == "per-worker" else iteration
                        self.assertEqual(chosen % 2, side, key)
                # Per endpoint: put + copy + get per iteration, in the report and its views.
                flows = endpoint_counts(report, 0)
                self.assertEqual([u for u, _, _ in flows], [a.endpoint, b.endpoint])
                self.assertEqual(sum(n for _, n, _ in flows), 120)
                self.assertEqual(flows[0][1], 3 * len(keys[0]))
                self.assertEqual(sum(n for _, n, _ in endpoint_counts(report, 1)), 4)
                totals = report["totals"]["endpoints"]
                self.assertEqual(sum(e["count"] for e in totals), 124)
                self.assertIn("p99", totals[0]["latency_ms"])
                self.assertIn(a.endpoint, r.stdout)
                # Events from both servers matched: put, copy and multipart created.
                events = report["events"]["totals"]
                self.assertEqual((events["expected"], events["delivered"], events["missing"],
                                  events["unexpected"]), (84, 84, 0, 0))
                # `report` renders the endpoints again from the JSON.
                again = harness.run_s3storm(["report", json_path])
                self.assertEqual(again.returncode, 0, again.stderr)
                self.assertIn(b.endpoint, again.stdout)

    def test_round_robin_over_two_nginx_and_refusals(self):
        with tempfile.TemporaryDirectory() as d, harness.Nginx() as a, harness.Nginx() as b:
            path = harness.write_scenario(d, f"""
target:
  endpoints: [{a.endpoint}, {b.endpoint}]
  spread: round-robin
  credentials: {{access_key: k, secret_key: s}}
  bucket: nginx
phases:
  - name: puts
    iterations: 101
    concurrency: 3
    flow: [{{put: {{key: "n/{{iter}}", size: 1KiB}}}}]
report:
  html: {d}/report.html
""")
            json_path = os.path.join(d, "report.json")
            r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            report = harness.load_report(json_path)
            self.assertEqual(endpoint_counts(report, 0), [(a.endpoint, 51, 0), (b.endpoint, 50, 0)])
            with open(os.path.join(d, "report.html")) as f:
                self.assertIn(b.endpoint, f.read())

            # Refused at load, exit 2, one line naming the place.
            for bad, where in (
                    (f"endpoints: [{a.endpoint}, {b.endpoint}]\n  endpoint: {a.endpoint}",
                     "exclude each other"),
                    (f"endpoints: [http://u:secret@127.0.0.1:1, {b.endpoint}]",
                     "must not carry credentials"),
                    (f"endpoints: [{a.endpoint}]", "two or more"),
                    (f"endpoints: [{a.endpoint}, {b.endpoint}]\n  spread: sideways",
                     "spread")):
                path = harness.write_scenario(d, f"""
target:
  {bad}
  bucket: nginx
phases: [{{name: p, iterations: 1, flow: [{{put: {{key: k, size: 1}}}}]}}]
""", name="bad.yaml")
                r = harness.run_s3storm(["validate", path])
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("bad.yaml:", r.stderr)
                self.assertIn(where, r.stderr)
                self.assertNotIn("secret", r.stderr.replace("must not carry credentials", ""))


if __name__ == "__main__":
    unittest.main()
