"""`s3storm run --shard I/N`: three shards against one `s3storm serve` whose events all go to every
shard (one webhook URL fanned out, as with one notification target on a real bucket), merged with
`s3storm merge`, against one unsharded run of the same scenario: the same operation counts, every
event matched, none unexpected or missing, and the other shards' events counted apart."""
import http.server
import json
import os
import re
import sys
import tempfile
import threading
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: {bucket}
setup:
  buckets: [{bucket}]
events:
  source: webhook
  listen: 127.0.0.1:9
  grace: 15s
phases:
  - name: closed
    iterations: 31
    concurrency: 5
    flow:
      - put: {{ key: "c/{{worker}}-{{seq}}", size: 1KiB }}
      - copy: {{ from: last, key: "cc/{{iter}}" }}
      - delete: {{ key: last }}
  - name: open
    iterations: 40
    rate: 100/s
    concurrency: 12
    flow:
      - put: {{ key: "o/{{phase}}/{{iter}}", size: 512 }}
thresholds:
  - events.missing == 0
  - events.unexpected == 0
seed: 5
"""


class FanOut:
    """One webhook URL for the server; every delivery is copied to each URL in `targets`."""

    def __init__(self):
        self.targets = []
        fan = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                for url in list(fan.targets):
                    request = urllib.request.Request(
                        url, data=body, method="POST",
                        headers={"Content-Type": self.headers.get("Content-Type", "application/json")})
                    try:
                        with urllib.request.urlopen(request, timeout=10) as answer:
                            answer.read()
                    except OSError:
                        pass  # a shard that is done has closed its webhook; the others still listen
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def op_counts(report):
    return {phase["name"]: {op: (v["count"], v["errors"]) for op, v in phase["ops"].items()
                            if v["count"]} for phase in report["phases"]}


def started(report, phase):
    p = report["phases"][phase]
    return p["ops"]["put"]["count"] + p["dropped"]


def event_counts(report):
    return {name: {k: t[k] for k in ("expected", "delivered", "missing", "duplicate", "unexpected")}
            for name, t in report["events"]["by_type"].items()}


class ShardedRun(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.fan = FanOut()

    def tearDown(self):
        self.fan.close()
        self.dir.cleanup()

    def start_run(self, scenario, port, json_path, *extra):
        return harness.Process([harness.BIN, "run", scenario, "--set", f"events.listen=127.0.0.1:{port}",
                                "--json", json_path, "--quiet", "--threads", "2", *extra])

    def run_all(self, scenario, shards, tag):
        """Runs the given shards at once (None: one unsharded run); returns their JSON paths."""
        ports = [harness.free_port() for _ in shards]
        self.fan.targets = [f"http://127.0.0.1:{p}/" for p in ports]
        paths = [os.path.join(self.dir.name, f"{tag}-{i}.json") for i in range(len(shards))]
        runs = []
        for shard, port, path in zip(shards, ports, paths):
            extra = ["--shard", shard] if shard else []
            runs.append(self.start_run(scenario, port, path, *extra))
        for port in ports:
            harness.wait_for_port(port, timeout=30)
        results = []
        for run in runs:
            run.proc.wait(timeout=120)
            out, err = run.stop()
            results.append((run.proc.returncode, out, err))
        return paths, results

    def test_three_shards_merged_equal_one_unsharded_run(self):
        with harness.EmbeddedServer("--notify", self.fan.url) as server:
            whole_scenario = harness.write_scenario(
                self.dir.name, SCENARIO.format(endpoint=server.endpoint, bucket="whole"), "whole.yaml")
            (whole_json,), [(code, out, err)] = self.run_all(whole_scenario, [None], "whole")
            self.assertEqual(code, 0, out + err)

            sharded_scenario = harness.write_scenario(
                self.dir.name, SCENARIO.format(endpoint=server.endpoint, bucket="sharded"),
                "sharded.yaml")
            paths, results = self.run_all(sharded_scenario, ["0/3", "1/3", "2/3"], "shard")
            client = harness.boto3_client(server.endpoint)
            keys = sorted(o["Key"] for o in
                          client.list_objects_v2(Bucket="sharded", MaxKeys=1000).get("Contents", []))
            whole_keys = sorted(o["Key"] for o in
                                client.list_objects_v2(Bucket="whole", MaxKeys=1000).get("Contents", []))

        foreign = 0
        for i, (code, out, err) in enumerate(results):
            self.assertEqual(code, 0, f"shard {i}: {out}{err}")
            match = re.search(rf"shard {i}/3: (\d+) event\(s\) for other shards' keys", err)
            self.assertIsNotNone(match, err)
            foreign += int(match.group(1))
            # The shard's report carries the same count.
            self.assertEqual(harness.load_report(paths[i])["events"].get("foreign", 0),
                             int(match.group(1)))
        # Each shard sees the other shards' events for as long as it listens (a shard that is done
        # stops listening): never more than 2 x (31 puts + 31 copies + 31 deletes + 40 puts).
        self.assertGreater(foreign, 0)
        self.assertLessEqual(foreign, 2 * (31 * 3 + 40))

        shard_reports = [harness.load_report(p) for p in paths]
        # The split itself: iterations 11+10+10, starts 14+13+13.
        self.assertEqual([r["phases"][0]["ops"]["put"]["count"] for r in shard_reports], [11, 10, 10])
        # An open-loop start that finds every slot busy is dropped (and counted): a loaded machine
        # may drop a few, so starts are what add up exactly.
        self.assertEqual([started(r, 1) for r in shard_reports], [14, 13, 13])

        merged_json = os.path.join(self.dir.name, "merged.json")
        r = harness.run_s3storm(["merge", *paths, "-o", merged_json])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        merged = harness.load_report(merged_json)
        whole = harness.load_report(whole_json)
        self.assertEqual(op_counts(merged)["closed"], op_counts(whole)["closed"])
        self.assertEqual(started(merged, 1), started(whole, 1))
        self.assertEqual(started(merged, 1), 40)
        if merged["phases"][1]["dropped"] == whole["phases"][1]["dropped"] == 0:
            self.assertEqual(event_counts(merged), event_counts(whole))
        for name, counts in event_counts(merged).items():
            self.assertEqual(counts["missing"], 0, name)
            self.assertEqual(counts["unexpected"], 0, name)
            self.assertEqual(counts["duplicate"], 0, name)
            self.assertEqual(counts["delivered"], counts["expected"], name)
        open_puts = merged["phases"][1]["ops"]["put"]["count"]
        self.assertEqual(sum(c["expected"] for c in event_counts(merged).values()), 31 * 3 + open_puts)
        # The keys left: the closed phase's puts (its copies were deleted), one per iteration, and
        # the open phase's ("o/open/{iter}", each iteration number once): no shard overwrote another's.
        closed_keys = [k for k in keys if k.startswith("c/")]
        open_keys = [k for k in keys if k.startswith("o/")]
        self.assertEqual(len(keys), len(closed_keys) + len(open_keys))
        self.assertEqual(len(closed_keys), 31)
        self.assertEqual(len(open_keys), open_puts)
        self.assertTrue(set(open_keys) <= {f"o/open/{i}" for i in range(40)})
        self.assertEqual(len([k for k in whole_keys if k.startswith("c/")]), 31)
        # Which slot runs which closed-loop iteration depends on timing ({worker}-{seq} differ from
        # run to run, in one process too); the open phase's keys are fixed by the schedule.
        if merged["phases"][1]["dropped"] == whole["phases"][1]["dropped"] == 0:
            self.assertEqual(open_keys, [k for k in whole_keys if k.startswith("o/")])

    def test_bad_shards_are_usage_errors(self):
        scenario = harness.write_scenario(
            self.dir.name, SCENARIO.format(endpoint="http://127.0.0.1:1", bucket="bad-shards"))
        for shard, message in (("3/3", "I must be below N"), ("1", "is not I/N"),
                               ("0/6", "fewer than the 6 shards")):
            r = harness.run_s3storm(["run", scenario, "--shard", shard, "--quiet"])
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(message, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


if __name__ == "__main__":
    unittest.main()
