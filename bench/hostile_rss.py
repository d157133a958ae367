"""serve's peak resident memory (VmHWM) under each attack of issue #18, each against a fresh
`s3storm serve` with default flags (so the figure is that attack's alone), plus how long a normal
client waited for an answer meanwhile. Loopback only; every attack is shortened to seconds and
bounded in bytes. Prints a Markdown table for docs/target.md ("Hostile clients").

Attacks: slowloris (500 connections trickling a header), 5,000 idle connections, 1 GiB bodies
(unauthenticated and signed), a 2,000-connection flood, 16 slow unauthenticated 60 MiB bodies,
and 16 signed 60 MiB bodies (the body budget's case)."""
import argparse
import json
import os
import resource
import select
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

MiB = 1024 * 1024
PIECE = b"x" * (256 * 1024)


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


class Serve:
    def __init__(self, binary, *flags):
        self.port = benchlib.harness.free_port()
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{self.port}", *flags],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        benchlib.harness.wait_for_port(self.port)
        self.binary = binary
        self.baseline = peak_rss(self.process.pid)

    def grown(self):
        return peak_rss(self.process.pid) - self.baseline

    def peak(self):
        return peak_rss(self.process.pid)

    def stop(self):
        self.process.terminate()
        _, err = self.process.communicate(timeout=20)
        return err.strip().splitlines()[-1] if err.strip() else ""

    def signed_head(self, method, path, length):
        """A request head signed with UNSIGNED-PAYLOAD by `s3storm sign`."""
        out = subprocess.run(
            [self.binary, "sign", "--method", method, "--url", f"http://127.0.0.1:{self.port}{path}",
             "--unsigned-payload", "--region", "us-east-1", "--access-key", benchlib.ACCESS_KEY,
             "--secret-key", benchlib.SECRET_KEY, "--json"],
            capture_output=True, text=True, check=True).stdout
        headers = json.loads(out)["headers"]
        return (f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                + f"Content-Length: {length}\r\n\r\n").encode()

    def probe_ms(self):
        """How long one plain request (refused: unsigned) takes to be answered, in ms."""
        start = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=15) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                s.recv(64)
        except OSError:
            return float("nan")
        return (time.monotonic() - start) * 1000


def status_line(sock, timeout=10):
    sock.settimeout(timeout)
    reply = b""
    try:
        while b"\r\n" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    except OSError:
        pass
    return reply.split(b"\r\n", 1)[0].decode(errors="replace") or "closed"


def upload(port, head, sent, pause, statuses):
    """Sends `head`, then up to `sent` body bytes in 256 KiB pieces, stopping at the answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(head)
            done = 0
            while done < sent and not select.select([s], [], [], 0)[0]:
                s.sendall(PIECE)
                done += len(PIECE)
                if pause:
                    time.sleep(pause)
            statuses.append(status_line(s))
    except OSError as e:
        statuses.append(type(e).__name__)


def parallel(count, target):
    threads = [threading.Thread(target=target) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)


def summary(statuses):
    counts = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return ", ".join(f"{n} x {s}" for s, n in sorted(counts.items()))


def slowloris(serve, args):
    sockets = []
    for _ in range(args.slowloris):
        s = socket.create_connection(("127.0.0.1", serve.port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(s)
    probe, cut, start = [], 0, time.monotonic()
    while time.monotonic() - start < args.slowloris_seconds:
        for s in sockets:
            try:
                s.sendall(b"X-a: b\r\n")
            except OSError:
                pass
        probe.append(serve.probe_ms())
        time.sleep(1)
    for s in sockets:
        try:
            s.setblocking(False)
            data = s.recv(64)
            cut += data.startswith(b"HTTP/1.1 408")
        except OSError:
            pass
        s.close()
    return f"{cut} of {len(sockets)} answered 408", max(probe)


def idle(serve, args):
    sockets = [socket.create_connection(("127.0.0.1", serve.port), timeout=5)
               for _ in range(args.idle)]
    time.sleep(2)
    probe = serve.probe_ms()
    for s in sockets:
        s.close()
    return f"{len(sockets)} held 2 s", probe


def huge_bodies(serve, args):
    statuses = []
    head = (f"PUT /b/huge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {1024 * MiB}\r\n\r\n"
            .encode())
    parallel(4, lambda: upload(serve.port, head, 1024 * MiB, 0, statuses))
    signed = serve.signed_head("PUT", "/b/huge-signed", 1024 * MiB)
    parallel(4, lambda: upload(serve.port, signed, 1024 * MiB, 0, statuses))
    return summary(statuses), serve.probe_ms()


def flood(serve, args):
    """All connections open at once, then one request on each, then every answer read."""
    sockets, statuses = [], []
    for _ in range(args.flood):
        try:
            sockets.append(socket.create_connection(("127.0.0.1", serve.port), timeout=10))
        except OSError as e:
            statuses.append(type(e).__name__)
    for s in sockets:
        try:
            s.sendall(b"GET /b/k HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
    probe = serve.probe_ms()
    for s in sockets:
        statuses.append(status_line(s))
        s.close()
    return summary(statuses), probe


def slow_60mib(serve, args, signed):
    statuses = []
    heads = [serve.signed_head("PUT", f"/b/k{i}", 60 * MiB) if signed else
             f"PUT /b/k{i} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {60 * MiB}\r\n\r\n".encode()
             for i in range(16)]
    threads = [threading.Thread(target=upload,
                                args=(serve.port, heads[i], args.sent * MiB, 0.02, statuses))
               for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return summary(statuses), serve.probe_ms()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.environ.get(
        "S3STORM_BIN", os.path.join(benchlib.SOURCE_DIR, "build", "release", "s3storm")))
    parser.add_argument("--slowloris", type=int, default=500)
    parser.add_argument("--slowloris-seconds", type=int, default=12,
                        help="the issue's attack lasted 30 s; serve cuts a header at 10 s")
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--flood", type=int, default=2000)
    parser.add_argument("--sent", type=int, default=60,
                        help="MiB each of the 16 slow uploads sends of its declared 60 MiB")
    args = parser.parse_args()
    # 5,000 idle connections need that many descriptors here and in serve (which inherits it).
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    # (name, what, attack, serve's flags)
    attacks = [
        ("slowloris", f"{args.slowloris} connections trickle a header for "
                      f"{args.slowloris_seconds} s", slowloris, []),
        ("idle", f"{args.idle} idle connections", idle, []),
        ("1 GiB bodies", "4 unsigned + 4 signed PUTs declaring 1 GiB, sent at full speed",
         huge_bodies, []),
        ("flood", f"{args.flood} connections at once, one unsigned GET each", flood, []),
        ("16 x 60 MiB", f"16 unauthenticated PUTs declaring 60 MiB, {args.sent} MiB sent slowly",
         lambda s, a: slow_60mib(s, a, False), []),
        # --discard: a stored object is the store's memory, not the budget's (without it each
        # admitted body is also copied into the store).
        ("16 x 60 MiB signed", f"16 signed PUTs of 60 MiB, {args.sent} MiB sent slowly, "
         "serve --discard", lambda s, a: slow_60mib(s, a, True), ["--discard"]),
    ]
    print(f"binary {args.binary}, load average {benchlib.load_average()}")
    print("| attack | what | answers | serve VmHWM (start -> peak) | slowest normal request |")
    print("|---|---|---|---|---|")
    for name, what, attack, flags in attacks:
        serve = Serve(args.binary, *flags)
        try:
            outcome, probe = attack(serve, args)
            peak = serve.peak()
        finally:
            last = serve.stop()
        print(f"| {name} | {what} | {outcome} | {serve.baseline / MiB:.0f} -> {peak / MiB:.0f} MiB "
              f"| {probe:.0f} ms |", flush=True)
        if "bodies:" in last:
            print(f"|  |  | serve: {last.split('; bodies: ')[1]} |  |  |", flush=True)
    return 0


if __name__ == "__main__":
    benchlib.run_main(main)
