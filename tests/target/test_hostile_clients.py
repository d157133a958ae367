"""`s3storm serve` against clients that try to wear it down (issue #18), all on 127.0.0.1 and
bounded in time and count."""
import os
import resource
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

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


if __name__ == "__main__":
    unittest.main()
