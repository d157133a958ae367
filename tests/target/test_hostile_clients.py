"""`s3storm serve` (and `listen`) against clients that try to wear them down, the adversarial
sweep of issue #18 kept as tests, all on 127.0.0.1 and bounded in time and count: running out of
descriptors, 42 malformed requests, slowloris, idle connections, a connection flood, oversize
and hostile JSON bodies to `listen`, and the target killed or frozen under a run. Elsewhere:
37+ subresources x 5 methods in test_subresources.py, signature edge cases in
test_auth_failures.py and test_sigv2.py, the body memory budget in test_hostile_bodies.py, a
frozen target's failed aborts in tests/engine/test_run_embedded.py."""
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from test_hostile_bodies import (  # noqa: E402
    INSTRUMENTED, assert_rss_growth_below, peak_rss, signed_headers)

FD_LIMIT = 64  # serve needs a dozen descriptors of its own; the rest go to connections
HELD = 100  # more connections than the limit allows
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of the process, from /proc/PID/stat (fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def low_fd_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, hard))


def served(port, timeout=5.0):
    """The status line of one plain GET, or None when the connection ends without an answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        reply = b""
        while b"\r\n" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                return None
            reply += chunk
        return reply.split(b"\r\n", 1)[0].decode()


# Not under a sanitizer: their runtimes need descriptors of their own in the served process, and
# with 64 of them the test can count neither what serve holds nor what is left. Under ASan+UBSan
# it is worse than a miscount: UBSan's vptr check tests that memory is readable by writing it
# into a pipe, and with no descriptor left for the pipe it calls a valid object's vptr invalid
# ("member call on address ... which does not point to an object of type 'error_category'",
# "memory cannot be printed"), and halt_on_error stops serve; the new client is then refused.
# Reproduced with serve's stderr kept, 1 run in 6. (TSan opens /proc/self/maps about five times
# a second; a client was refused there too in a CI check, not looked into further.) The Release
# stage runs it.
@unittest.skipIf(harness.SANITIZE != "", "descriptor exhaustion is not measurable under a sanitizer")
class OutOfDescriptors(unittest.TestCase):
    def test_accept_backs_off_refuses_fast_and_recovers(self):
        port = harness.free_port()
        server = harness.Process([harness.BIN, "serve", "--listen", f"127.0.0.1:{port}"],
                                 preexec_fn=low_fd_limit)
        held = []
        try:
            harness.wait_for_port(port)
            self.assertEqual(served(port), "HTTP/1.1 403 Forbidden")  # no credentials: AccessDenied
            for _ in range(HELD):
                held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            # serve takes what it can and runs out of descriptors: waited for, not slept on, as a
            # loaded machine or a sanitizer build accepts them slower (a 0.3 s sleep was not enough).
            fd_dir = f"/proc/{server.proc.pid}/fd"
            deadline = time.monotonic() + 10
            while len(os.listdir(fd_dir)) < FD_LIMIT and time.monotonic() < deadline:
                time.sleep(0.05)

            # Accepting again and again while accept fails would keep a core busy.
            before, start = cpu_seconds(server.proc.pid), time.monotonic()
            time.sleep(2.0)
            cpu, wall = cpu_seconds(server.proc.pid) - before, time.monotonic() - start
            self.assertLess(cpu, 0.3, f"serve used {cpu:.2f} s of CPU in {wall:.2f} s with no free descriptor")

            # A new client is turned away at once (closed unanswered) rather than left waiting
            # in the backlog until an idle connection times out.
            start = time.monotonic()
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                try:
                    self.assertEqual(s.recv(4096), b"")
                except ConnectionResetError:
                    pass
            self.assertLess(time.monotonic() - start, 2.0)

            # Once the connections go, serve serves again.
            for s in held:
                s.close()
            held.clear()
            deadline = time.monotonic() + 5
            status = None
            while status is None and time.monotonic() < deadline:
                try:
                    status = served(port)
                except OSError:
                    status = None
                if status is None:
                    time.sleep(0.1)
            self.assertEqual(status, "HTTP/1.1 403 Forbidden")
        finally:
            for s in held:
                s.close()
            server.stop()


# Requests no HTTP/1.1 server should act on, each on a connection of its own: serve answers 400
# (413 for a body past --max-body) and closes. Unsigned, so the ones with a body are refused
# from their header too; MALFORMED_BODIES are signed, so their body is parsed.
MALFORMED = [
    ("not HTTP at all", b"THIS IS NOT HTTP\r\n\r\n", 400),
    ("binary garbage", bytes(range(256)) + b"\r\n\r\n", 400),
    ("a TLS client hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40, 400),
    ("the HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
    ("a response, not a request", b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 400),
    ("a request line of spaces", b"     \r\n\r\n", 400),
    ("a NUL in the method", b"GE\x00T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("a bracket in the method", b"G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("no target", b"GET HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("two spaces before the target", b"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("a space in the target", b"GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("a NUL in the target", b"GET /a\x00b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("a DEL in the target", b"GET /a\x7fb HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("no version", b"GET /\r\nHost: h\r\n\r\n", 400),
    ("HTTP/9.9", b"GET / HTTP/9.9\r\nHost: h\r\n\r\n", 400),
    ("HTTP/1.10", b"GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),
    ("a lower-case http", b"GET / http/1.1\r\nHost: h\r\n\r\n", 400),
    ("a bare CR ending the request line", b"GET / HTTP/1.1\rHost: h\r\n\r\n", 400),
    ("a field without a colon", b"GET / HTTP/1.1\r\nHost h\r\n\r\n", 400),
    ("a space before the colon", b"GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
    ("an empty field name", b"GET / HTTP/1.1\r\n: h\r\n\r\n", 400),
    ("a NUL in a field name", b"GET / HTTP/1.1\r\nX-\x00: v\r\n\r\n", 400),
    ("a NUL in a field value", b"GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n", 400),
    ("a bare CR in a field value", b"GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", 400),
    ("a header past 16 KiB", b"GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 400),
    ("10,000 fields", b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 10000 + b"\r\n", 400),
    ("a target past 16 KiB", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ("a negative Content-Length", b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
    ("a Content-Length of words", b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: ten\r\n\r\n", 400),
    ("a Content-Length past 2^64",
     b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
    ("two different Content-Lengths",
     b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
    ("a Content-Length list", b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\nab", 400),
    ("Content-Length and chunked", b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("a 1 GiB Content-Length", b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 1073741824\r\n\r\n", 413),
    ("a 6 GiB Content-Length (past S3's 5 GiB)",
     b"PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 6442450944\r\n\r\n", 413),
]
# (name, Transfer-Encoding, body, status): sent with a valid signature (UNSIGNED-PAYLOAD).
MALFORMED_BODIES = [
    ("a chunk size that is not hex", "chunked", b"zz\r\nab\r\n0\r\n\r\n", 400),
    ("a chunk longer than announced", "chunked", b"1\r\nabc\r\n0\r\n\r\n", 400),
    ("a chunk size past 2^64", "chunked", b"1ffffffffffffffffff\r\n", 400),
    ("a chunk without its CRLF", "chunked", b"3\r\nabcXY0\r\n\r\n", 400),
    ("a 1 GiB chunk", "chunked", b"40000000\r\n", 413),
    # RFC 9112 6.3: a request whose last coding is not chunked has no knowable length; read as
    # having no body, its body was taken as the next request (a request-smuggling desync).
    ("chunked, then gzip", "chunked, gzip", b"0\r\n\r\n", 400),
    ("gzip alone", "gzip", b"0\r\n\r\n", 400),
]


def exchange(port, raw, timeout=5):
    """Sends `raw`, half-closes, and returns all serve answers before it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # serve answered and closed before taking it all
        reply = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except ConnectionResetError:
            pass
        return reply


def status_code(reply):
    parts = reply.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


class MalformedRequests(unittest.TestCase):
    def test_each_is_answered_400_or_413_and_serve_serves_on(self):
        server = harness.EmbeddedServer()
        try:
            for name, raw, status in MALFORMED:
                with self.subTest(name):
                    self.assertEqual(status_code(exchange(server.port, raw)), status)
            for name, coding, body, status in MALFORMED_BODIES:
                with self.subTest(name):
                    headers = signed_headers(server.port, "PUT", "/b/k", "UNSIGNED-PAYLOAD")
                    head = "PUT /b/k HTTP/1.1\r\n" + "".join(
                        f"{k}: {v}\r\n" for k, v in headers.items())
                    raw = (head + f"Transfer-Encoding: {coding}\r\n\r\n").encode() + body
                    self.assertEqual(status_code(exchange(server.port, raw)), status)
            # Still serving, and a signed request still works.
            client = harness.boto3_client(server.endpoint)
            self.assertEqual(client.list_buckets()["ResponseMetadata"]["HTTPStatusCode"], 200)
            client.close()
        finally:
            _, err = server.stop()
        self.assertEqual(server.proc.returncode, 0, err)


def probe_seconds(port):
    """How long one plain request (refused: unsigned) takes to be answered."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        s.recv(64)
    return time.monotonic() - start


class SlowIdleAndFlood(unittest.TestCase):
    SLOW = 100  # the slowloris was 500 x 30 s; shortened, the shape kept
    IDLE = 1000
    FLOOD = 500

    def test_slowloris_is_cut_idle_connections_cost_little_and_a_flood_is_answered(self):
        server = harness.EmbeddedServer()
        idle, slow = [], []
        try:
            baseline = peak_rss(server.proc.pid)
            idle = [socket.create_connection(("127.0.0.1", server.port), timeout=5)
                    for _ in range(self.IDLE)]
            for _ in range(self.SLOW):
                s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                slow.append(s)
            # A field every half second for 9 s: a server that restarts its clock on every byte
            # would keep each of them for ever. serve gives a header 10 s in all, however it
            # trickles. (Nothing is sent after 9 s: a write after serve's answer and close would
            # be met with a reset, which loses the answer.)
            start, slowest = time.monotonic(), 0.0
            while time.monotonic() - start < 9:
                for s in slow:
                    s.sendall(b"X-Slow: 1\r\n")
                slowest = max(slowest, probe_seconds(server.port))
                time.sleep(0.5)
            for s in slow:
                s.settimeout(10)
                self.assertEqual(s.recv(64)[:12], b"HTTP/1.1 408")
            # Cut by the header's limit, not pushed back by the trickle.
            self.assertLess(time.monotonic() - start, 13)
            # Generous for a loaded machine (more so for a sanitizer build); a server stuck
            # behind the attack keeps a request waiting seconds, up to the 10 s header timeout.
            self.assertLess(slowest, 3.0 if INSTRUMENTED else 1.0,
                            "a plain request waited behind slowloris and idle connections")
            # The flood: every connection at once, one request each, every one answered.
            flood = [socket.create_connection(("127.0.0.1", server.port), timeout=10)
                     for _ in range(self.FLOOD)]
            for s in flood:
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answers = [s.recv(12) for s in flood]
            for s in flood:
                s.close()
            self.assertEqual(answers, [b"HTTP/1.1 403"] * self.FLOOD)
            # 1,000 idle connections, 100 slow ones and a flood: serve holds a few KiB each.
            grown = peak_rss(server.proc.pid) - baseline
            assert_rss_growth_below(self, grown, 40 * 1024 * 1024,
                                    "under idle and slow connections and a flood")
        finally:
            for s in idle + slow:
                s.close()
            _, err = server.stop()
        self.assertEqual(server.proc.returncode, 0, err)


class HostileJsonToListen(unittest.TestCase):
    def test_100_mb_and_deeply_nested_bodies_are_refused_and_counted(self):
        port = harness.free_port()
        listen = subprocess.Popen([harness.BIN, "listen", "--listen", f"127.0.0.1:{port}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertIn("waiting for events", listen.stderr.readline())
            head = ("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                    "Content-Length: {}\r\n\r\n")
            start = time.monotonic()
            huge = exchange(port, head.format(100 * 1000 * 1000).encode() + b"[" * (1 << 20))
            self.assertEqual(status_code(huge), 413)
            self.assertLess(time.monotonic() - start, 3.0)
            for body in (b'{"Records":' + b"[" * 100000 + b"]" * 100000 + b"}",
                         b'{"a":' * 100000 + b"1" + b"}" * 100000):
                reply = exchange(port, head.format(len(body)).encode() + body)
                self.assertEqual(status_code(reply), 400, reply[:200])
                self.assertIn(b"nests deeper", reply)
            self.assertIsNone(listen.poll())
        finally:
            listen.send_signal(signal.SIGINT)
            out, err = listen.communicate(timeout=20)
        self.assertEqual(listen.returncode, 0, err)
        self.assertRegex(out, r"rejected requests\s+3\n")


UPLOADS = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: killed
  request_timeout: 1s
  retries: 0
setup:
  buckets: [killed]
phases:
  - name: uploads
    duration: 4s
    concurrency: 4
    flow:
      - multipart: {{ key: "m/{{worker}}-{{seq}}", size: 200MiB, part_size: 5MiB, parallel_parts: 2 }}
thresholds:
  - errors.rate < 0.01
seed: 5
"""


class TargetKilledMidRun(unittest.TestCase):
    def test_a_run_whose_target_is_killed_reports_errors_and_open_uploads_and_exits(self):
        with tempfile.TemporaryDirectory() as directory:
            server = harness.EmbeddedServer("--discard")
            report = os.path.join(directory, "report.json")
            path = harness.write_scenario(directory, UPLOADS.format(endpoint=server.endpoint))
            run = harness.Process([harness.BIN, "run", path, "--json", report])
            client = harness.boto3_client(server.endpoint)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                time.sleep(0.2)
                try:
                    if client.list_multipart_uploads(Bucket="killed").get("Uploads"):
                        break
                except Exception:  # the bucket may not exist yet
                    pass
            client.close()
            server.proc.kill()  # kill -9: no goodbye, every connection reset
            server.stop()
            try:
                run.proc.wait(timeout=40)  # ends by itself
            except subprocess.TimeoutExpired:
                pass  # a hang: stop() below ends it with SIGTERM, and the exit status says so
            out, err = run.stop()
            # Exit 1: the errors threshold failed; not a crash (negative), not a hang (SIGTERM).
            self.assertEqual(run.proc.returncode, 1, out + err)
            phase = harness.load_report(report)["phases"][0]
            multipart = phase["ops"]["multipart"]
            self.assertGreater(multipart["errors"], 0)
            self.assertGreaterEqual(phase.get("uploads_left_open", 0), 1, out + err)
            self.assertIn("multipart uploads possibly left open (abort failed)", out)


if __name__ == "__main__":
    unittest.main()
