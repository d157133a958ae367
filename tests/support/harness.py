"""Servers the integration tests run s3storm against, all on 127.0.0.1 with free ports, each
stopped by the test that started it: `s3storm serve`, s3rver (npm) with its events forwarded to
a webhook, and nginx answering 200 to everything."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BIN = os.environ.get("S3STORM_BIN", "")
SOURCE_DIR = os.environ.get("S3STORM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
# The sanitizers the binary was built with (CMake's S3STORM_SANITIZE), e.g. "thread"; empty for none.
SANITIZE = os.environ.get("S3STORM_SANITIZE", "")
NODE_DIR = os.path.join(SOURCE_DIR, "tests", "node")
ACCESS_KEY = "s3storm"
SECRET_KEY = "s3storm-secret"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class Process:
    """A child process that is always ended, even when the test fails."""

    def __init__(self, args, **kwargs):
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, **kwargs)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        out, err = self.proc.communicate()
        return out, err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class EmbeddedServer(Process):
    """`s3storm serve` on a free port."""

    def __init__(self, *extra, env=None):
        self.port = free_port()
        super().__init__([BIN, "serve", "--listen", f"127.0.0.1:{self.port}", *extra], env=env)
        wait_for_port(self.port)
        self.endpoint = f"http://127.0.0.1:{self.port}"


class Fauxqs(Process):
    """fauxqs 1.9.2 (npm), an SQS emulator speaking the JSON protocol, on a free loopback port."""

    def __init__(self):
        super().__init__(["node", os.path.join(SOURCE_DIR, "tests", "events", "sqs_fauxqs_harness.mjs")])
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "READY":
            self.stop()
            raise RuntimeError("fauxqs did not start")
        self.port = int(ready[1])

    def call(self, action, body):
        import urllib.request
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/x-amz-json-1.0",
                     "X-Amz-Target": f"AmazonSQS.{action}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def create_queue(self, name):
        return self.call("CreateQueue", {"QueueName": name})["QueueUrl"]

    def send(self, url, bodies):
        """Sends each body (JSON-encoded) as one message, ten per batch."""
        for start in range(0, len(bodies), 10):
            entries = [{"Id": str(i), "MessageBody": json.dumps(b)}
                       for i, b in enumerate(bodies[start:start + 10])]
            result = self.call("SendMessageBatch", {"QueueUrl": url, "Entries": entries})
            assert len(result.get("Successful", [])) == len(entries), result

    def depth(self, url):
        """(visible, in flight) messages."""
        attributes = self.call("GetQueueAttributes", {
            "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages",
                                                "ApproximateNumberOfMessagesNotVisible"]})
        return (int(attributes["Attributes"]["ApproximateNumberOfMessages"]),
                int(attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"]))


class S3rver(Process):
    """s3rver 3.7.1 (npm), forwarding its events to `webhook` like a MinIO webhook target. It
    knows one access key (and verifies no signature)."""

    ACCESS_KEY = "S3RVER"
    SECRET_KEY = "S3RVER"
    ENV = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}

    def __init__(self, webhook=None, drop_every=0, dup_every=0, sqs=None, sqs_port=0):
        args = ["node", os.path.join(NODE_DIR, "s3rver_harness.js"), "--port", "0"]
        if webhook:
            args += ["--webhook", webhook]
        if sqs:
            args += ["--sqs", sqs, "--sqs-port", str(sqs_port)]
        if drop_every:
            args += ["--drop-every", str(drop_every)]
        if dup_every:
            args += ["--dup-every", str(dup_every)]
        super().__init__(args)
        line = self.proc.stdout.readline()
        match = re.match(r"READY (\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"s3rver did not start: {line!r}")
        self.port = int(match.group(1))
        self.endpoint = f"http://127.0.0.1:{self.port}"


NGINX = "/usr/sbin/nginx"


class Nginx(Process):
    """nginx answering 200 with an empty body to every request, as a null S3 endpoint; with
    tls=True over HTTPS, with a fresh self-signed certificate for 127.0.0.1 (self.cert). With
    root=DIR it serves the files under DIR instead (GET /bucket/key is DIR/bucket/key, ranges
    included), a store whose bytes the test wrote. location=TEXT replaces what `location /` does
    (a benchmark's own answers)."""

    def __init__(self, tls=False, root=None, location=None):
        self.dir = tempfile.mkdtemp(prefix="s3storm-nginx-")
        self.port = free_port()
        listen = f"127.0.0.1:{self.port}"
        if tls:
            self.cert = os.path.join(self.dir, "cert.pem")
            key = os.path.join(self.dir, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                            "-keyout", key, "-out", self.cert], check=True, capture_output=True)
            listen += f" ssl;\n    ssl_certificate {self.cert};\n    ssl_certificate_key {key}"
        answer = location or (f"root {root};" if root else 'return 200 "";')
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
daemon off;
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log error;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {self.dir}/body;
  client_max_body_size 0;
  keepalive_requests 1000000;
  server {{
    listen {listen};
    location / {{ {answer} }}
  }}
}}
""")
        super().__init__([NGINX, "-c", conf, "-p", self.dir])
        wait_for_port(self.port)
        self.endpoint = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def stop(self, sig=signal.SIGQUIT, timeout=10):
        result = super().stop(sig, timeout)
        shutil.rmtree(self.dir, ignore_errors=True)
        return result


def boto3_client(endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))


def write_scenario(directory, text, name="scenario.yaml"):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_s3storm(args, env=None, timeout=120, **kwargs):
    full_env = dict(os.environ)
    full_env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        full_env.pop(name, None)
    full_env.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env, **kwargs)


def run_against_serve(directory, scenario, *serve_args):
    """`s3storm run` of `scenario` (a template with {endpoint} and {hook}) against an `s3storm
    serve` started with `serve_args` that sends its events to the run's webhook. Returns the run's
    result, its report's events section and serve's stderr (its exit counters)."""
    hook = free_port()
    serve = EmbeddedServer("--notify", f"http://127.0.0.1:{hook}/", *serve_args)
    try:
        path = write_scenario(directory, scenario.format(endpoint=serve.endpoint, hook=hook))
        report_path = os.path.join(directory, "report.json")
        result = run_s3storm(["run", path, "--json", report_path, "--quiet"])
    finally:
        _, serve_err = serve.stop()
    return result, load_report(report_path)["events"], serve_err


def load_report(path):
    with open(path) as f:
        return json.load(f)


def op(report, phase_index, name):
    return report["phases"][phase_index]["ops"].get(name, {})
