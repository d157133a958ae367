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


if __name__ == "__main__":
    unittest.main()
