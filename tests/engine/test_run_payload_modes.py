"""`target.payload` and a step's `checksum` through the binary. Against `s3storm serve`, which
decodes aws-chunked and verifies every chunk signature, trailer signature and checksum: every
mode x checksum stores the objects (with the checksum, read back with ChecksumMode) and gets
exactly one event per object. Against a recording HTTP server on loopback: the bodies on the wire
are decoded here, independently of the C++ (hmac/hashlib chunk signatures, zlib/hashlib
checksums), and the unsigned-trailer framing is byte for byte what botocore's own aws-chunked
encoder (AwsChunkedWrapper) makes of the same data. fauxqs's S3 (a second aws-chunked decoder)
stores the same bytes in every mode. Against nginx, which cannot decode aws-chunked, the framed
uploads simply go through."""
import base64
import hashlib
import hmac
import http.server
import io
import os
import re
import sys
import tempfile
import threading
import unittest
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

MODES = ["signed", "unsigned", "streaming", "streaming-trailer", "unsigned-trailer"]
CHECKSUMS = ["none", "crc32", "crc32c", "crc64nvme", "sha1", "sha256"]
ITERATIONS = 3

SERVE = """
target:
  endpoint: {endpoint}
  credentials: { access_key: s3storm, secret_key: s3storm-secret }
  bucket: modes
  payload: MODE
  chunk_size: 16KiB
setup:
  buckets: [modes]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 10s
phases:
  - name: uploads
    iterations: ITERATIONS
    concurrency: 2
    flow:
PUTS
      - multipart: { key: "m/crc32/{iter}", size: 6MiB, part_size: 5MiB, checksum: crc32 }
      - multipart: { key: "m/none/{iter}", size: 6MiB, part_size: 5MiB }
seed: 11
"""


def serve_scenario(mode, endpoint, hook):
    puts = "\n".join(f'      - put: {{ key: "p/{c}/{{iter}}", size: 40000, checksum: {c} }}'
                     for c in CHECKSUMS)
    return (SERVE.replace("MODE", mode).replace("ITERATIONS", str(ITERATIONS))
            .replace("PUTS", puts).replace("{endpoint}", endpoint)
            .replace("{hook}", str(hook)))


def b64(data):
    return base64.b64encode(data).decode()


def python_checksum(name, data):
    """The checksums Python computes without the C++ (crc32c and crc64nvme need awscrt, which
    this machine lacks; serve verifies those)."""
    if name == "crc32":
        return b64(zlib.crc32(data).to_bytes(4, "big"))
    if name == "sha1":
        return b64(hashlib.sha1(data).digest())
    if name == "sha256":
        return b64(hashlib.sha256(data).digest())
    return None


class EveryModeAgainstServe(unittest.TestCase):
    def run_mode(self, mode, d):
        hook = harness.free_port()
        serve = harness.EmbeddedServer("--notify", f"http://127.0.0.1:{hook}/")
        try:
            path = harness.write_scenario(d, serve_scenario(mode, serve.endpoint, hook))
            report_path = os.path.join(d, f"{mode}.json")
            r = harness.run_s3storm(["run", path, "--json", report_path, "--quiet"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            client = harness.boto3_client(serve.endpoint)
            stored = {}
            for c in CHECKSUMS:
                head = client.head_object(Bucket="modes", Key=f"p/{c}/0", ChecksumMode="ENABLED")
                # From the headers: botocore leaves out of its parsed answer a CRC64NVME it cannot
                # compute without awscrt.
                headers = head["ResponseMetadata"]["HTTPHeaders"]
                stored[c] = {k: v for k, v in headers.items() if k.startswith("x-amz-checksum-")
                             and k != "x-amz-checksum-type"}
                body = client.get_object(Bucket="modes", Key=f"p/{c}/0")["Body"].read()
                self.assertEqual(len(body), 40000)
                expected = python_checksum(c, body)
                if expected:
                    self.assertEqual(stored[c][f"x-amz-checksum-{c}"], expected, (mode, c))
            mp = client.head_object(Bucket="modes", Key="m/crc32/0", ChecksumMode="ENABLED")
            mp = mp["ResponseMetadata"]["HTTPHeaders"]
        finally:
            serve.stop()
        return harness.load_report(report_path), stored, mp

    def test_every_mode_and_checksum_is_stored_with_exact_events(self):
        for mode in MODES:
            with self.subTest(mode=mode), tempfile.TemporaryDirectory() as d:
                report, stored, multipart = self.run_mode(mode, d)
                ops = report["phases"][0]["ops"]
                self.assertEqual((ops["put"]["ok"], ops["put"]["errors"]),
                                 (len(CHECKSUMS) * ITERATIONS, 0))
                self.assertEqual((ops["multipart"]["ok"], ops["multipart"]["errors"]),
                                 (2 * ITERATIONS, 0))
                self.assertEqual(ops["multipart_part"]["ok"], 4 * ITERATIONS)
                events = report["events"]["by_type"]
                for name, count in (("ObjectCreated:Put", len(CHECKSUMS) * ITERATIONS),
                                    ("ObjectCreated:CompleteMultipartUpload", 2 * ITERATIONS)):
                    e = events[name]
                    self.assertEqual((e["expected"], e["delivered"], e["missing"],
                                      e["unexpected"], e["mismatched"]), (count, count, 0, 0, 0),
                                     name)
                # Each checksum arrived (header or trailer) and was kept; without one, the
                # target stores S3's default, a CRC64NVME of the whole object.
                self.assertEqual(list(stored["none"]), ["x-amz-checksum-crc64nvme"])
                for c in CHECKSUMS[1:]:
                    self.assertEqual(list(stored[c]), [f"x-amz-checksum-{c}"], c)
                # The parts' CRC32s make S3's composite checksum, "<base64>-<parts>".
                self.assertRegex(multipart.get("x-amz-checksum-crc32", ""), r"^[A-Za-z0-9+/=]+-2$")


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request 200 with an ETag, keeping each request's headers and body."""
    protocol_version = "HTTP/1.1"
    requests = []
    lock = threading.Lock()

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.requests.append((self.path, dict((k.lower(), v) for k, v in self.headers.items()),
                                  body))
        self.send_response(200)
        self.send_header("ETag", '"0123456789abcdef0123456789abcdef"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


RECORDED = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: recorder-secret }}
  bucket: wire
  payload: {mode}
  chunk_size: 8KiB
phases:
  - name: puts
    iterations: 1
    flow:
      - put: {{ key: "w/none", size: 20000 }}
      - put: {{ key: "w/crc32", size: 20000, checksum: crc32 }}
      - put: {{ key: "w/sha1", size: 8192, checksum: sha1 }}
      - put: {{ key: "w/sha256", size: 0, checksum: sha256 }}
seed: 2
"""

PAYLOAD_NAMES = {"streaming": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                 "streaming-trailer": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                 "unsigned-trailer": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}


def signing_key(secret, date):
    key = ("AWS4" + secret).encode()
    for part in (date, "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def decode_chunked(body, headers, secret):
    """Decodes an aws-chunked body, checking every chunk and trailer signature when the mode
    signs them. Returns (data, chunk sizes, trailers)."""
    signed = headers["x-amz-content-sha256"] != PAYLOAD_NAMES["unsigned-trailer"]
    amz_date = headers["x-amz-date"]
    scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
    key = signing_key(secret, amz_date[:8])
    previous = re.search(r"Signature=([0-9a-f]{64})", headers["authorization"]).group(1)
    stream = io.BytesIO(body)
    data, sizes, trailers = b"", [], {}

    def sign(kind, last_line):
        text = f"{kind}\n{amz_date}\n{scope}\n{previous}\n{last_line}"
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    while True:
        header = stream.readline().decode()
        assert header.endswith("\r\n"), header
        size_text, _, extension = header[:-2].partition(";")
        size = int(size_text, 16)
        chunk = stream.read(size)
        if signed:
            expected = sign("AWS4-HMAC-SHA256-PAYLOAD", hashlib.sha256(b"").hexdigest() + "\n" +
                            hashlib.sha256(chunk).hexdigest())
            assert extension == f"chunk-signature={expected}", (extension, expected)
            previous = expected
        sizes.append(size)
        data += chunk
        if size == 0:
            break
        assert stream.read(2) == b"\r\n"
    canonical = ""
    while True:
        line = stream.readline().decode()
        assert line.endswith("\r\n"), line
        if line == "\r\n":
            break
        name, _, value = line[:-2].partition(":")
        if name == "x-amz-trailer-signature":
            expected = sign("AWS4-HMAC-SHA256-TRAILER", hashlib.sha256(canonical.encode()).hexdigest())
            assert value == expected, (value, expected)
        else:
            canonical += f"{name}:{value}\n"
            trailers[name] = value
    assert stream.read() == b"", "bytes after the trailer"
    return data, sizes, trailers


class BodiesOnTheWire(unittest.TestCase):
    def record(self, mode):
        Recorder.requests = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with tempfile.TemporaryDirectory() as d:
                path = harness.write_scenario(d, RECORDED.format(
                    endpoint=f"http://127.0.0.1:{server.server_address[1]}", mode=mode))
                r = harness.run_s3storm(["run", path, "--quiet"])
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        finally:
            server.shutdown()
            server.server_close()
        return {p.rsplit("/", 1)[1]: (h, b) for p, h, b in Recorder.requests}

    def test_streaming_modes_decode_independently(self):
        from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum, Sha1Checksum, \
            Sha256Checksum
        botocore_checksums = {"crc32": Crc32Checksum, "sha1": Sha1Checksum,
                              "sha256": Sha256Checksum}
        for mode, name in PAYLOAD_NAMES.items():
            with self.subTest(mode=mode):
                recorded = self.record(mode)
                self.assertEqual(sorted(recorded), ["crc32", "none", "sha1", "sha256"])
                for checksum, (headers, body) in recorded.items():
                    self.assertEqual(headers["x-amz-content-sha256"], name)
                    self.assertEqual(headers["content-encoding"], "aws-chunked")
                    self.assertEqual(int(headers["content-length"]), len(body))
                    self.assertIn("content-encoding", headers["authorization"])
                    data, sizes, trailers = decode_chunked(body, headers, "recorder-secret")
                    self.assertEqual(int(headers["x-amz-decoded-content-length"]), len(data))
                    self.assertTrue(all(s == 8192 for s in sizes[:-2]), sizes)
                    self.assertEqual(sizes[-1], 0)
                    header_name = f"x-amz-checksum-{checksum}"
                    if checksum == "none":
                        self.assertEqual(trailers, {})
                        self.assertNotIn("x-amz-trailer", headers)
                        continue
                    expected = python_checksum(checksum, data)
                    if mode == "streaming":  # no trailer: the checksum is a signed header
                        self.assertEqual(headers[header_name], expected)
                        self.assertEqual(trailers, {})
                    else:
                        self.assertEqual(headers["x-amz-trailer"], header_name)
                        self.assertEqual(trailers, {header_name: expected})
                    if mode == "unsigned-trailer":
                        theirs = AwsChunkedWrapper(io.BytesIO(data), botocore_checksums[checksum],
                                                   header_name, chunk_size=8192).read()
                        self.assertEqual(body, theirs, checksum)

    def test_plain_modes_send_the_checksum_as_a_header(self):
        for mode in ("signed", "unsigned"):
            with self.subTest(mode=mode):
                recorded = self.record(mode)
                headers, body = recorded["crc32"]
                self.assertNotIn("content-encoding", headers)
                self.assertEqual(len(body), 20000)
                self.assertEqual(headers["x-amz-checksum-crc32"], python_checksum("crc32", body))
                self.assertIn("x-amz-checksum-crc32", headers["authorization"])
                payload = headers["x-amz-content-sha256"]
                self.assertEqual(payload, hashlib.sha256(body).hexdigest() if mode == "signed"
                                 else "UNSIGNED-PAYLOAD")


NGINX = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: null-bucket
  payload: {mode}
phases:
  - name: puts
    iterations: 200
    concurrency: 8
    flow:
      - put: {{ key: "n/{{iter}}", size: 100KiB, checksum: crc32c }}
seed: 9
"""


class AgainstNginx(unittest.TestCase):
    def test_framed_uploads_go_through(self):
        with tempfile.TemporaryDirectory() as d, harness.Nginx() as nginx:
            for mode in PAYLOAD_NAMES:
                with self.subTest(mode=mode):
                    json_path = os.path.join(d, "report.json")
                    path = harness.write_scenario(d, NGINX.format(endpoint=nginx.endpoint,
                                                                  mode=mode))
                    r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet"])
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                    put = harness.load_report(json_path)["phases"][0]["ops"]["put"]
                    self.assertEqual((put["ok"], put["errors"], put["bytes"]),
                                     (200, 0, 200 * 100 * 1024))


FAUXQS = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: test, secret_key: test }}
  bucket: fauxqs-bucket
  payload: {mode}
  chunk_size: 8KiB
setup:
  buckets: [fauxqs-bucket]
phases:
  - name: u
    iterations: 1
    flow:
      - put: {{ key: "{mode}", size: 40000, checksum: crc32 }}
seed: 5
"""


class AgainstFauxqs(unittest.TestCase):
    """fauxqs (npm, tests/node) has an S3 with its own aws-chunked decoder (it checks no
    signature): every streaming mode stores the same bytes as a plain signed PUT of the same seed."""

    def test_a_second_decoder_gets_the_same_bytes(self):
        modes = ["signed", *PAYLOAD_NAMES]
        fauxqs = harness.Fauxqs()
        try:
            endpoint = f"http://127.0.0.1:{fauxqs.port}"
            with tempfile.TemporaryDirectory() as d:
                for mode in modes:
                    path = harness.write_scenario(d, FAUXQS.format(endpoint=endpoint, mode=mode))
                    r = harness.run_s3storm(["run", path, "--quiet"])
                    self.assertEqual(r.returncode, 0, mode + r.stdout + r.stderr)
            client = harness.boto3_client(endpoint, "test", "test")
            bodies = {m: client.get_object(Bucket="fauxqs-bucket", Key=m)["Body"].read()
                      for m in modes}
        finally:
            fauxqs.stop()
        self.assertEqual(len(bodies["signed"]), 40000)
        for mode in PAYLOAD_NAMES:
            self.assertEqual(bodies[mode], bodies["signed"], mode)


if __name__ == "__main__":
    unittest.main()
