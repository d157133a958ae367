"""What the Ceph RGW tests share: the one-node cluster that the ctest fixture starts once
(scripts/ceph-rgw.sh, in $CEPH_RGW_DIR), the rule that a test without a cluster exits 77 so
ctest shows it as skipped with the reason, a webhook relay the tests control, and a run with an
outage the test stages in its middle (run_with_outage)."""
import http.client
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402
from rabbitmq import RabbitMQ  # noqa: E402

SKIP = 77
CEPH_DIR = os.environ.get("CEPH_RGW_DIR", "")
SCRIPT = os.path.join(harness.SOURCE_DIR, "scripts", "ceph-rgw.sh")


class Cluster:
    """The running cluster as $CEPH_RGW_DIR/env describes it."""

    def __init__(self, values):
        self.endpoint = values["S3_ENDPOINT"]
        self.access_key = values["AWS_ACCESS_KEY_ID"]
        self.secret_key = values["AWS_SECRET_ACCESS_KEY"]

    def env(self, **extra):
        """Environment for `s3storm run`: the endpoint and the S3 user's keys."""
        values = {"S3_ENDPOINT": self.endpoint, "AWS_ACCESS_KEY_ID": self.access_key,
                  "AWS_SECRET_ACCESS_KEY": self.secret_key}
        values.update(extra)
        return values

    def s3(self):
        return harness.boto3_client(self.endpoint, self.access_key, self.secret_key)


def cluster_or_exit():
    """The cluster, or exit 77 with a line saying why there is none (never a silent pass)."""
    reason = None
    if not CEPH_DIR:
        reason = "CEPH_RGW_DIR is not set (run through ctest, which starts the cluster)"
    elif subprocess.run(["bash", SCRIPT, "status", CEPH_DIR], capture_output=True).returncode != 0:
        reason = (f"no Ceph cluster answers in {CEPH_DIR}: the ceph_cluster_start fixture skipped "
                  "(packages missing and not installable) or failed; see its output")
    if reason:
        print(f"SKIPPED: {reason}", file=sys.stderr)
        sys.exit(SKIP)
    with open(os.path.join(CEPH_DIR, "env")) as f:
        values = dict(line.strip().split("=", 1) for line in f if "=" in line)
    return Cluster(values)


class CephTestCase(unittest.TestCase):
    """A test against the cluster: self.cluster, a scratch folder self.dir and a report path
    self.json in it."""

    def setUp(self):
        self.cluster = cluster_or_exit()
        self.dir = tempfile.TemporaryDirectory()
        self.json = os.path.join(self.dir.name, "report.json")

    def tearDown(self):
        self.dir.cleanup()


class CephAmqpTestCase(CephTestCase):
    """A test against the cluster and a RabbitMQ started for its class (self.broker,
    tests/support/rabbitmq.py)."""

    @classmethod
    def setUpClass(cls):
        cluster_or_exit()
        cls.broker = RabbitMQ()

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()

    @staticmethod
    def names(prefix):
        """Bucket, topic and exchange of their own per run: a rerun against the same cluster
        finds no topic, notification or queued event of an earlier one."""
        tag = f"{prefix}-{os.getpid()}"
        return {"bucket": tag, "topic": f"{tag}-topic", "exchange": f"{tag}-x"}


def main():
    """unittest.main(), after the cluster check."""
    cluster_or_exit()
    unittest.main()


# The load and the consumer of the AMQP outage tests (test_ceph_amqp.py, ..._persistent.py), to
# follow a scenario's target and setup: one PUT at a time with a pause after each (think applies
# between a flow's steps, so a HEAD follows it), at most 20 a second, so the run lasts long enough
# for an outage to fall well inside it. A closed loop, so no start is dropped while RGW is slow,
# and the keys n/0, n/1, ... go in order. Fill in grace, url, exchange, puts and seed.
AMQP_PUTS_WITH_PAUSES = """\
events:
  source: amqp
  grace: {grace}
  amqp:
    url: {url}
    exchange: {exchange}
phases:
  - name: puts
    iterations: {puts}
    concurrency: 1
    think: 50ms
    flow:
      - put: {{ key: "n/{{iter}}", size: 8 }}
      - head: {{ key: last }}
thresholds:
  - errors.count == 0
seed: {seed}
"""


def run_with_outage(args, env, ready, down, up, seconds, timeout=60):
    """`s3storm ARGS` with an outage staged by the test in the middle of it: once ready() holds
    (polled every 50 ms, for up to 40 s), down(), and `seconds` later up(). Returns the completed
    process (returncode, stdout, stderr) and the wall-clock times of down() and up(), the clock
    a report's per-second series are anchored to. Fails if the run ended before the outage."""
    run = subprocess.Popen([harness.BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=dict(os.environ, **env))
    try:
        deadline = time.monotonic() + 40
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        if run.poll() is not None:
            out, err = run.communicate()
            raise AssertionError(f"the run ended before the outage: {out}{err}")
        down_at = time.time()
        down()
        time.sleep(seconds)
        up_at = time.time()
        up()
        out, err = run.communicate(timeout=timeout)
        return subprocess.CompletedProcess(run.args, run.returncode, out, err), down_at, up_at
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()


class Relay:
    """An HTTP endpoint between RGW and the run's webhook: forwards each POST and records the
    records it forwarded. With stop_after=N it forwards N notifications, then answers 503 and
    closes its port, like a webhook that went away: RGW's later pushes fail."""

    def __init__(self, stop_after=None):
        self.target = None  # set once the run's webhook port is known
        self.stop_after = stop_after
        self.forwarded = []  # (eventName, key) of every record the webhook accepted
        # Every push RGW made, in the order the relay finished it: (wall time it finished,
        # whether the webhook took it, [(eventName, key), ...]). The wall clock, because a
        # report's times are anchored to it (phases[].started_epoch_s).
        self.pushes = []
        # When set, records of other buckets (an earlier run's, still in RGW's queue) are
        # answered 200 and not forwarded: they would be unexpected in this run.
        self.only_bucket = None
        self.dropped = 0
        # When set, one push at a time goes to the webhook: the order of `pushes` is then the
        # order the run received them in, which a test can count outage windows by.
        self.serial = False
        self.serial_lock = threading.Lock()
        self.refused = 0
        self.failed = 0
        self.lock = threading.Lock()
        self.connections = threading.local()  # one connection to the webhook per handler thread
        self.opened = []  # all of them, closed with the relay
        self.closed = False
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # Keep-alive on both sides: a slow relay makes RGW time out and push again, and the
            # test would measure the relay instead of RGW.
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = relay.forward(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                if status != 200:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            # RGW opens a connection per retry after a failed push (answered with "close"),
            # many at once: with the default backlog of 5 the kernel drops SYNs, and each
            # dropped one costs RGW's push a 1 s retransmit, which would look like RGW's delay.
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def forward(self, body):
        records = [(r["eventName"], r["s3"]["object"]["key"], r["s3"]["bucket"]["name"])
                   for r in json.loads(body).get("Records", [])]
        with self.lock:
            if self.closed or self.target is None:
                self.refused += 1
                return 503
            if self.only_bucket is not None and all(b != self.only_bucket for *_, b in records):
                self.dropped += len(records)
                return 200
            serial = self.serial
        if serial:
            with self.serial_lock:
                return self.send(body, records)
        return self.send(body, records)

    def send(self, body, records):
        status = 0
        for _ in range(2):  # a kept-alive connection the webhook closed is opened again once
            target, connection = getattr(self.connections, "webhook", (None, None))
            if connection is None or target != self.target:  # the next run's webhook: a new one
                if connection is not None:
                    connection.close()
                target = self.target
                address = urllib.parse.urlsplit(target)
                connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
                self.connections.webhook = (target, connection)
                with self.lock:
                    self.opened.append(connection)
            try:
                connection.request("POST", "/", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
                break
            except (http.client.HTTPException, OSError):
                connection.close()
                self.connections.webhook = (None, None)
        with self.lock:
            took = 200 <= status < 300
            self.pushes.append((time.time(), took, [(name, key) for name, key, _ in records]))
            if not took:
                self.failed += 1
                return 502
            self.forwarded.extend((name, key) for name, key, _ in records)
            if self.stop_after is not None and len(self.forwarded) >= self.stop_after:
                self.closed = True
                threading.Thread(target=self.close, daemon=True).start()
        return 200

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            for connection in self.opened:
                connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        with self.lock:
            self.closed = True
        self.close()
