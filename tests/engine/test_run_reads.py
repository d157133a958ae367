"""Real payloads and verified reads through the binary: `content: random` bodies, `get: {verify,
range}`, time to first byte and latency by size class, against `s3storm serve` and nginx."""
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import content  # noqa: E402
import harness  # noqa: E402

WRITE = """
target:
  endpoint: {endpoint}
  bucket: rbucket
setup:
  buckets: [rbucket]
content: random
phases:
  - name: write
    iterations: 6
    concurrency: 2
    flow:
      - put: {{ key: "obj-{{iter}}", size: 3001 }}
      - post: {{ key: "form-{{iter}}", size: 100 }}
      - put: {{ key: "rep-{{iter}}", size: 64, content: repeat }}
      - put: {{ key: "sum-{{iter}}", size: 5000, checksum: sha256 }}
seed: {seed}
"""


def run(directory, text, *extra):
    path = harness.write_scenario(directory, text)
    json_path = os.path.join(directory, "report.json")
    result = harness.run_s3storm(["run", path, "--json", json_path, "--quiet", *extra])
    report = harness.load_report(json_path) if os.path.exists(json_path) else None
    return result, report


def nginx_bucket(directory, files):
    """Writes `files` (name -> bytes) as bucket "nbucket" under directory/www for nginx to serve;
    returns that root."""
    bucket = os.path.join(directory, "www", "nbucket")
    os.makedirs(bucket)
    # nginx's worker runs as an unprivileged user; the temporary directory is 0700.
    for path in (directory, os.path.join(directory, "www"), bucket):
        os.chmod(path, 0o755)
    for name, body in files.items():
        with open(os.path.join(bucket, name), "wb") as f:
            f.write(body)
    return os.path.join(directory, "www")


def objects_after(seed):
    """Runs WRITE against a fresh serve and returns {key: bytes} as stored."""
    with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as serve:
        result, _ = run(d, WRITE.format(endpoint=serve.endpoint, seed=seed))
        assert result.returncode == 0, result.stdout + result.stderr
        s3 = harness.boto3_client(serve.endpoint)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="rbucket")["Contents"]]
        return {k: s3.get_object(Bucket="rbucket", Key=k)["Body"].read() for k in keys}


class RandomContent(unittest.TestCase):
    def test_bodies_differ_per_key_and_repeat_across_runs_with_one_seed(self):
        first = objects_after(11)
        second = objects_after(11)
        other_seed = objects_after(12)
        self.assertEqual(len(first), 24)
        self.assertEqual(first, second)
        for i in range(6):
            body = first[f"obj-{i}"]
            # The bytes are the documented generator's, from the seed and the key alone.
            self.assertEqual(body, content.random_bytes(11, f"obj-{i}", 3001))
            self.assertEqual(first[f"form-{i}"], content.random_bytes(11, f"form-{i}", 100))
            # Signed with its SHA-256 checksum: serve checked both against these bytes.
            self.assertEqual(first[f"sum-{i}"], content.random_bytes(11, f"sum-{i}", 5000))
            self.assertNotEqual(body, other_seed[f"obj-{i}"])
        self.assertEqual(len({first[f"obj-{i}"] for i in range(6)}), 6)
        # `repeat` is today's shared body: the same bytes for every key.
        self.assertEqual(len({first[f"rep-{i}"] for i in range(6)}), 1)


VERIFY = """
target:
  endpoint: {endpoint}
  bucket: vbucket
setup:
  buckets: [vbucket]
phases:
  - name: rw
    iterations: 300
    concurrency: 4
    flow:
      - put: {{ key: "v/{{iter}}", size: {{ choice: [{{size: 1KiB}}, {{size: 100KiB}}, {{size: 2MiB, weight: 0.2}}] }}, content: {content} }}
      - get: {{ key: last, verify: true }}
seed: 5
"""


def corrupted_bodies(serve_stderr):
    return int(re.search(r"(\d+) corrupted bodies", serve_stderr).group(1))


class VerifiedReads(unittest.TestCase):
    def verify_run(self, content_mode, *serve_args):
        with tempfile.TemporaryDirectory() as d:
            serve = harness.EmbeddedServer("--seed", "3", *serve_args)
            try:
                result, report = run(d, VERIFY.format(endpoint=serve.endpoint,
                                                      content=content_mode))
            finally:
                _, serve_err = serve.stop()
        self.assertIsNotNone(report, result.stderr)
        return result, report, corrupted_bodies(serve_err)

    def test_a_clean_store_passes_both_content_modes(self):
        for mode in ("random", "repeat"):
            with self.subTest(mode=mode):
                result, report, corrupted = self.verify_run(mode)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                get = harness.op(report, 0, "get")
                self.assertEqual(corrupted, 0)
                self.assertEqual((get["count"], get["errors"]), (300, 0))

    def test_every_corrupted_body_counts_as_content_mismatch(self):
        for mode in ("random", "repeat"):
            with self.subTest(mode=mode):
                _, report, corrupted = self.verify_run(mode, "--fault", "body-corrupt:0.2")
                get = harness.op(report, 0, "get")
                self.assertGreater(corrupted, 20)
                self.assertLess(corrupted, 300)
                self.assertEqual(get["errors_by_code"], {"ContentMismatch": corrupted})
                self.assertEqual(get["errors"], corrupted)
                self.assertEqual(get["count"], 300)

    def test_ttfb_is_never_above_latency_and_size_classes_add_up(self):
        _, report, _ = self.verify_run("random")
        for name in ("put", "get"):
            op = harness.op(report, 0, name)
            by_size = op["latency_by_size"]
            # 1 KiB, 100 KiB and 2 MiB bodies: three classes, and only those.
            self.assertEqual(sorted(by_size), sorted(["<=4KiB", "<=1MiB", "<=16MiB"]))
            self.assertEqual(sum(c["count"] for c in by_size.values()), op["count"])
            self.assertEqual(op["ttfb_histogram"]["count"], op["count"])
            for p in ("p50", "p90", "p99", "p999", "max", "mean"):
                self.assertLessEqual(op["ttfb_ms"][p], op["latency_ms"][p], (name, p))
            # A 2 MiB read takes longer than a 1 KiB one.
            self.assertGreater(by_size["<=16MiB"]["latency_ms"]["p50"],
                               by_size["<=4KiB"]["latency_ms"]["p50"])


RANGES = """
target:
  endpoint: {endpoint}
  bucket: gbucket
setup:
  buckets: [gbucket]
content: random
phases:
  - name: ranges
    iterations: 200
    concurrency: 4
    flow:
      - put: {{ key: "r/{{iter}}", size: {{ uniform: {{ min: 101, max: 40000 }} }} }}
      - get: {{ key: last, range: "random:4KiB", verify: true }}
      - get: {{ key: last, range: "100-1123", verify: true }}
      - get: {{ key: last, range: "3000-", verify: true }}
seed: 21
"""


class RangeReads(unittest.TestCase):
    def test_range_reads_return_the_right_bytes(self):
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as serve:
            result, report = run(d, RANGES.format(endpoint=serve.endpoint))
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        get = harness.op(report, 0, "get")
        # A range starting past a short object's end is refused (416): those are the only errors.
        # Objects have at least 101 bytes, so only the last get ("3000-") can fail, and every
        # iteration sends its three gets whatever sizes the seed draws.
        # A GET's body is not kept, so its 416 is counted by status, without the InvalidRange code.
        self.assertEqual(set(get["errors_by_code"]) - {"HTTP 416"}, set())
        self.assertEqual(get["count"], 600)
        self.assertGreater(get["ok"], 450)
        # No window is larger than asked: 4 KiB, 1 KiB, and the tail past 3000 of <= 40000.
        self.assertLessEqual(get["bytes"], 200 * (4096 + 1024 + 37000))


MULTIPART = """
target:
  endpoint: {endpoint}
  bucket: mbucket
setup:
  buckets: [mbucket]
content: random
phases:
  - name: mp
    iterations: 2
    concurrency: 2
    flow:
      - multipart: {{ key: "mp/{{iter}}", size: 6MiB, part_size: 5MiB, parallel_parts: 2 }}
      - get: {{ key: last, verify: true }}
      - get: {{ key: last, range: "random:4KiB", verify: true }}
      - multipart: {{ key: "mr/{{iter}}", size: 6MiB, part_size: 5MiB, content: repeat }}
      - get: {{ key: last, verify: true }}
seed: 9
"""


class MultipartContent(unittest.TestCase):
    def test_random_multipart_objects_are_the_keys_bytes_and_read_back_verified(self):
        with tempfile.TemporaryDirectory() as d, harness.EmbeddedServer() as serve:
            result, report = run(d, MULTIPART.format(endpoint=serve.endpoint))
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            s3 = harness.boto3_client(serve.endpoint)
            # Across the boundary of parts 1 and 2: the object's own stream, not a part prefix.
            edge = 5 * 1024 * 1024
            window = s3.get_object(Bucket="mbucket", Key="mp/1",
                                   Range=f"bytes={edge - 8}-{edge + 7}")["Body"].read()
            self.assertEqual(window, content.random_bytes(9, "mp/1", 16, offset=edge - 8))
            head = s3.get_object(Bucket="mbucket", Key="mp/0", Range="bytes=0-63")["Body"].read()
            self.assertEqual(head, content.random_bytes(9, "mp/0", 64))
        get = harness.op(report, 0, "get")
        self.assertEqual(get["count"], 6)
        self.assertEqual(get["errors"], 0, get.get("errors_by_code"))
        self.assertEqual(harness.op(report, 0, "multipart")["ok"], 4)


class AgainstNginx(unittest.TestCase):
    """nginx serving files the test wrote with the documented generator: what s3storm reads is
    checked by bytes s3storm never wrote."""

    SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: nbucket
content: random
phases:
  - name: whole
    iterations: 40
    concurrency: 4
    flow:
      - get: {{ key: "f-{{iter}}", verify: true }}
      - get: {{ key: "f-{{iter}}", range: "5000-9095", verify: true }}
seed: 77
"""

    def test_verified_whole_and_range_reads_of_files_nginx_serves(self):
        with tempfile.TemporaryDirectory() as d:
            files = {}
            for i in range(40):
                body = content.random_bytes(77, f"f-{i}", 10000 + i * 1000)
                if i == 7:
                    body = body[:6000] + bytes([body[6000] ^ 1]) + body[6001:]  # in both reads
                files[f"f-{i}"] = body
            with harness.Nginx(root=nginx_bucket(d, files)) as nginx:
                result, report = run(d, self.SCENARIO.format(endpoint=nginx.endpoint))
        get = harness.op(report, 0, "get")
        self.assertEqual(get["count"], 79, result.stderr)  # iteration 7 ends at its first get
        self.assertEqual(get["errors_by_code"], {"ContentMismatch": 1})
        self.assertEqual(get["bytes"], sum(10000 + i * 1000 for i in range(40) if i != 7) +
                         39 * 4096)
        for p in ("p50", "p99", "max"):
            self.assertLessEqual(get["ttfb_ms"][p], get["latency_ms"][p])
        self.assertEqual(sum(c["count"] for c in get["latency_by_size"].values()), 79)

    WINDOWS = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: nbucket
content: random
phases:
  - name: windows
    iterations: 40
    concurrency: 4
    flow:
      - get: {{ key: "w-{{iter}}", range: "random:4KiB", verify: true }}
seed: 78
"""

    def test_a_random_window_of_an_object_the_flow_did_not_write_asks_its_size_first(self):
        with tempfile.TemporaryDirectory() as d:
            # Ten 4 KiB windows each, the first one wrong: only a read of window 0 fails.
            files = {}
            for i in range(40):
                body = bytearray(content.random_bytes(78, f"w-{i}", 10 * 4096))
                body[100] ^= 1
                files[f"w-{i}"] = bytes(body)
            with harness.Nginx(root=nginx_bucket(d, files)) as nginx:
                result, report = run(d, self.WINDOWS.format(endpoint=nginx.endpoint))
        head = harness.op(report, 0, "head")
        get = harness.op(report, 0, "get")
        self.assertEqual(head["count"], 40, result.stderr)  # one HEAD per get, counted apart
        self.assertEqual(head["errors"], 0)
        self.assertEqual(get["count"], 40)
        self.assertEqual(get["bytes"], (40 - get["errors"]) * 4096)
        # Windows spread over the object: about one read in ten lands on the bad first window.
        self.assertLess(get["errors_by_code"].get("ContentMismatch", 0), 15)
        self.assertEqual(get["errors"], get["errors_by_code"].get("ContentMismatch", 0))

    def test_a_store_answering_empty_bodies_fails_every_verified_read(self):
        scenario = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: nbucket
phases:
  - name: p
    iterations: 50
    concurrency: 2
    flow:
      - put: {{ key: "e-{{iter}}", size: 1KiB, content: random }}
      - get: {{ key: last, verify: true }}
seed: 1
"""
        with tempfile.TemporaryDirectory() as d, harness.Nginx() as nginx:
            result, report = run(d, scenario.format(endpoint=nginx.endpoint))
        self.assertEqual(harness.op(report, 0, "put")["errors"], 0, result.stderr)
        self.assertEqual(harness.op(report, 0, "get")["errors_by_code"], {"ContentMismatch": 50})


if __name__ == "__main__":
    unittest.main()
