"""Issue 17's two bulk-throughput bars, side by side in one run, on loopback:

  (a) signed 64 MiB multipart uploads with `content: random` (every byte generated, every byte
      hashed for the part's signature): the generator's bytes per CPU-second (user + system,
      from wait4) at >= 0.9x `openssl speed -evp sha256 -bytes 16384` on the same core;
  (b) `target.payload: unsigned` single PUTs at concurrency 1 at >= 1.0x curl's single-stream
      PUT (`curl --http1.1 -T FILE`) of the same size to the same nginx, wall-clock MB/s. Both
      sides are timed the same way: the bytes over the sum of each transfer's own time (curl's
      `time_total`, s3storm's per-PUT latency: the exact sum its JSON histogram keeps), the first
      transfer's connect included on both. The rate over s3storm's whole phase (worker threads
      started, the connection made, the last answer counted) is printed beside it.

(a) counts the generator's marginal cost: each round runs one upload and then --uploads of them,
and divides the bytes of the difference by its CPU time, so process start, setup and the page
faults of the buffers (~0.2 s) do not count against a per-byte rate (openssl speed has none of
them either); the whole-run figure is printed beside it. The floor of the kernel's part is shown
too: the same bytes written with blocking send() calls from a plain socket (a PUT to the same
nginx), whose system time per byte is what loopback TCP costs a sender that does nothing else.

The null sink is nginx (pinned to one core), answering every request at once and discarding
bodies as bench/peers.py's does, plus the two answers a multipart upload needs: the
InitiateMultipartUploadResult XML (an UploadId) for `POST ?uploads`, and an ETag header on every
answer. nginx is used rather than `serve --discard` because serve verifies each part's SHA-256 on
its core, which would make the server, not the generator, set the pace. Each generator is pinned
to the other core. Rounds alternate; the verdicts use the medians. Prints a verdict table; exits
0 when every run worked (a missed bar is reported, not an error).

    /usr/bin/python3 bench/bulk.py --bin build/release/s3storm   (or: bash bench/bulk.sh)"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import benchlib
from benchlib import CLIENT_CPU, SERVER_CPU, Measured, harness

TARGET_VS_OPENSSL = 0.9
TARGET_VS_CURL = 1.0
MIB = 1024 * 1024

UPLOAD_ID_XML = ('<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?><InitiateMultipartUploadResult>'
                 '<Bucket>bench</Bucket><Key>k</Key><UploadId>bulk-bench</UploadId>'
                 '</InitiateMultipartUploadResult>')


def multipart_nginx():
    """nginx as a null S3 endpoint that also answers a multipart upload's create with an
    UploadId; every answer carries an ETag (UploadPart's, which Complete lists)."""
    return harness.Nginx(location=f"""
      add_header ETag '"0123456789abcdef0123456789abcdef"' always;
      if ($args ~ "^uploads") {{ return 200 "{UPLOAD_ID_XML}"; }}
      return 200 "";
    """)


MULTIPART_SCENARIO = """\
# Written by bench/bulk.py: signed multipart uploads of random content, closed loop, no events.
description: bulk multipart benchmark
target:
  endpoint: {endpoint}
  region: us-east-1
  credentials: env
  bucket: bench
  retries: 0
  request_timeout: 60s
setup:
  buckets: [bench]
phases:
  - name: multipart
    duration: 100s
    iterations: {uploads}
    concurrency: {concurrency}
    flow:
      - multipart: {{ key: "bulk/{{worker}}-{{seq}}", size: {size}, part_size: {part_size},
                     parallel_parts: {parallel_parts}, content: random }}
"""


def openssl_sha256(seconds):
    """`openssl speed -evp sha256 -bytes 16384` on the generator's core: bytes per second."""
    run = Measured(["openssl", "speed", "-evp", "sha256", "-bytes", "16384", "-seconds",
                    str(seconds)], cpus=CLIENT_CPU).check("openssl speed")
    for line in run.stdout.splitlines():
        match = re.match(r"^sha256\s+([0-9.]+)k\s*$", line.strip())
        if match:
            return float(match.group(1)) * 1000
    raise RuntimeError(f"openssl speed: no sha256 line in:\n{run.stdout}")


def run_multipart(args, endpoint, workdir):
    scenario = harness.write_scenario(workdir, MULTIPART_SCENARIO.format(
        endpoint=endpoint, uploads=args.uploads, concurrency=args.concurrency,
        size=f"{args.size_mib}MiB", part_size=f"{args.part_mib}MiB",
        parallel_parts=args.parallel_parts), name="multipart.yaml")
    report = os.path.join(workdir, "multipart.json")
    run = Measured([args.bin, "run", scenario, "--quiet", "--threads", "1", "--json", report],
                   cpus=CLIENT_CPU, env=benchlib.s3storm_env()).check("s3storm run (multipart)")
    with open(report) as f:
        ops = json.load(f)["phases"][0]["ops"]
    uploads = ops["multipart"]
    parts = ops.get("multipart_part", {})
    sent = uploads["count"] * args.size_mib * MIB
    return {"uploads": uploads["count"], "errors": uploads["errors"] + parts.get("errors", 0),
            "bytes": sent, "cpu_s": run.cpu_s, "wall_s": run.wall_s,
            "user_s": run.user_s, "sys_s": run.sys_s, "bytes_per_cpu_s": sent / run.cpu_s if run.cpu_s > 0 else 0.0}


def run_marginal_multipart(args, endpoint, workdir):
    """One upload, then --uploads: the difference is the steady per-byte cost."""
    uploads = args.uploads
    args.uploads = 1
    try:
        one = run_multipart(args, endpoint, workdir)
    finally:
        args.uploads = uploads
    many = run_multipart(args, endpoint, workdir)
    extra = many["bytes"] - one["bytes"]
    many["marginal_bytes_per_cpu_s"] = extra / (many["cpu_s"] - one["cpu_s"])
    many["marginal_user_ns_per_byte"] = 1e9 * (many["user_s"] - one["user_s"]) / extra
    many["marginal_sys_ns_per_byte"] = 1e9 * (many["sys_s"] - one["sys_s"]) / extra
    many["errors"] += one["errors"]
    return many


def send_floor(endpoint, mib, puts):
    """In a child pinned to the generator's core: PUTs of `mib` MiB of one buffer to nginx with
    blocking sendall(); prints the user and system seconds of the sends alone."""
    import resource
    import socket
    host, port = endpoint.rsplit("/", 1)[1].split(":")
    body = os.urandom(mib * MIB)
    sock = socket.create_connection((host, int(port)))
    before = resource.getrusage(resource.RUSAGE_SELF)
    for i in range(puts):
        sock.sendall(f"PUT /bench/floor-{i} HTTP/1.1\r\nHost: {host}\r\nContent-Length: "
                     f"{len(body)}\r\n\r\n".encode())
        sock.sendall(body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
        if not answer.startswith(b"HTTP/1.1 200"):
            sys.exit(f"send floor: {answer[:100]!r}")
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"bytes": puts * len(body), "user_s": after.ru_utime - before.ru_utime,
                      "sys_s": after.ru_stime - before.ru_stime}))


def run_send_floor(args, endpoint):
    run = Measured(["/usr/bin/python3", os.path.abspath(__file__), "--send-floor", endpoint,
                    "--put-mib", str(args.size_mib), "--puts", str(args.uploads)],
                   cpus=CLIENT_CPU).check("send floor")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["sys_ns_per_byte"] = 1e9 * result["sys_s"] / result["bytes"]
    return result


def run_curl(args, endpoint, body_file):
    """One curl process, --puts uploads of the file over one keep-alive connection; the transfer
    times curl reports (its start-up excluded), the CPU of the whole process."""
    command = ["curl", "--http1.1", "-sS", "-H", "Expect:", "-w",
               "%{http_code} %{size_upload} %{time_total}\\n"]
    for i in range(args.puts):
        command += ["-T", body_file, "-o", "/dev/null", f"{endpoint}/bench/curl-{i}"]
    run = Measured(command, cpus=CLIENT_CPU).check("curl")
    sent = seconds = 0.0
    errors = 0
    for line in run.stdout.strip().splitlines():
        code, size, total = line.split()
        errors += code != "200"
        sent += float(size)
        seconds += float(total)
    return {"bytes": sent, "errors": errors, "seconds": seconds, "cpu_s": run.cpu_s,
            "mb_per_s": sent / seconds / 1e6 if seconds > 0 else 0.0}


def with_marginal_cpu(run, args):
    """run(args) with one PUT, then with --puts: the CPU per byte of the difference (start-up,
    and s3storm's page faults of its 64 MiB payload buffer, ~0.35 s on this VM, left out)."""
    puts = args.puts
    args.puts = 1
    try:
        one = run(args)
    finally:
        args.puts = puts
    many = run(args)
    many["marginal_cpu_ns_per_byte"] = 1e9 * (many["cpu_s"] - one["cpu_s"]) / (
        many["bytes"] - one["bytes"])
    many["errors"] += one["errors"]
    return many


def with_sink_busy(sink_pid, run):
    """run() and, beside its result, the sink's CPU seconds over the transfers' own time: near
    1.0 the sink (nginx's 4 KiB discard reads), not the client, set the pace. Clock ticks (10 ms)
    limit it to a few percent on a run of 8 PUTs."""
    before = benchlib.tree_cpu_s(sink_pid)
    result = run()
    sink_cpu_s = benchlib.tree_cpu_s(sink_pid) - before
    result["sink_busy"] = sink_cpu_s / result["seconds"] if result["seconds"] > 0 else 0.0
    return result


def run_unsigned(args, endpoint, workdir):
    """The rate over the PUTs' own latencies (microseconds, summed exactly by the histogram), as
    curl's over its time_total; the rate over the whole phase beside it."""
    run, put = benchlib.run_s3storm_puts(
        args.bin, endpoint, f"{args.put_mib}MiB", 1, 100, threads=1, cpus=CLIENT_CPU,
        iterations=args.puts, workdir=workdir,
        extra_args=("--set", "target.payload=unsigned"))
    sent = put["count"] * args.put_mib * MIB
    seconds = put["histogram"]["sum"] / 1e6
    return {"bytes": sent, "errors": put["errors"], "seconds": seconds, "cpu_s": run.cpu_s,
            "mb_per_s": sent / seconds / 1e6 if seconds > 0 else 0.0,
            "phase_s": put["phase_duration_s"],
            "phase_mb_per_s": sent / put["phase_duration_s"] / 1e6}


def print_bar_a(rounds, args):
    """The (a) table; returns its verdict line."""
    print(f"(a) openssl speed -evp sha256 -bytes 16384 -seconds {args.openssl_seconds} against "
          f"s3storm run --threads 1: {args.uploads} signed multipart uploads of "
          f"{args.size_mib} MiB, {args.part_mib} MiB parts, {args.parallel_parts} parallel "
          f"parts, {args.concurrency} uploads at once, content: random")
    print(f"{'round':<6}{'openssl':>8}{'uploads':>8}{'errors':>7}{'CPU s':>7}{'wall s':>7}"
          f"{'whole run':>10}{'marginal':>9}{'ratio':>7}{'user':>7}{'sys':>7}{'send()':>9}")
    print(f"{'':<6}{'GB/s':>8}{'':>8}{'':>7}{'':>7}{'':>7}{'GB/CPU-s':>10}{'GB/CPU-s':>9}{'':>7}"
          f"{'ns/B':>7}{'ns/B':>7}{'sys ns/B':>9}")
    ratios_a = []
    for number, r in enumerate(rounds, 1):
        m = r["multipart"]
        ratio = m["marginal_bytes_per_cpu_s"] / r["openssl"]
        ratios_a.append(ratio)
        print(f"{number:<6}{r['openssl'] / 1e9:>8.3f}{m['uploads']:>8}{m['errors']:>7}"
              f"{m['cpu_s']:>7.2f}{m['wall_s']:>7.2f}{m['bytes_per_cpu_s'] / 1e9:>10.3f}"
              f"{m['marginal_bytes_per_cpu_s'] / 1e9:>9.3f}{ratio:>7.2f}"
              f"{m['marginal_user_ns_per_byte']:>7.3f}{m['marginal_sys_ns_per_byte']:>7.3f}"
              f"{r['floor']['sys_ns_per_byte']:>9.3f}")
    print("openssl's SHA-256 alone costs " + ", ".join(f"{1e9 / r['openssl']:.3f}" for r in rounds)
          + " ns/B; the bar allows the generator " + ", ".join(
              f"{1e9 / (TARGET_VS_OPENSSL * r['openssl']):.3f}" for r in rounds) + " ns/B")
    a = statistics.median(ratios_a)
    return (f"{'(a) multipart random, signed: marginal B/CPU-s vs openssl':<58}{a:>8.2f}  "
            f"{'met' if a >= TARGET_VS_OPENSSL else 'MISSED'} (>= {TARGET_VS_OPENSSL})")


def print_bar_b(rounds, args):
    """The (b) table; returns its verdict line."""
    print(f"(b) {args.puts} PUTs of {args.put_mib} MiB, one at a time on one connection: curl "
          f"--http1.1 -T FILE (page cache) against s3storm run --threads 1, concurrency 1, "
          f"target.payload: unsigned")
    print("MB/s: the bytes over the sum of the transfers' own times (curl's time_total, "
          "s3storm's per-PUT latency); phase: over s3storm's whole phase")
    print("nginx busy: nginx's CPU seconds over the transfers' time (1.0: the sink sets the pace)")
    print(f"{'round':<6}{'tool':<18}{'MB/s':>8}{'errors':>8}{'CPU s':>8}{'MB/CPU-s':>10}"
          f"{'marginal ns/B':>15}{'nginx busy':>11}{'ratio':>7}{'per CPU-s':>11}"
          f"{'phase MB/s':>12}{'ratio':>7}")
    ratios_b = []
    ratios_b_phase = []
    ratios_b_cpu = []
    for number, r in enumerate(rounds, 1):
        curl, storm = r["curl"], r["unsigned"]
        for name, t in (("curl", curl), ("s3storm unsigned", storm)):
            per_cpu = t["bytes"] / t["cpu_s"] / 1e6 if t["cpu_s"] > 0 else 0.0
            tail = ""
            if t is storm:
                # Per CPU-second from the marginal cost: start-up differs (s3storm's payload).
                ratios_b.append(storm["mb_per_s"] / curl["mb_per_s"])
                ratios_b_cpu.append(curl["marginal_cpu_ns_per_byte"] /
                                    storm["marginal_cpu_ns_per_byte"])
                ratios_b_phase.append(storm["phase_mb_per_s"] / curl["mb_per_s"])
                tail = (f"{ratios_b[-1]:>7.2f}{ratios_b_cpu[-1]:>11.2f}"
                        f"{storm['phase_mb_per_s']:>12.0f}{ratios_b_phase[-1]:>7.2f}")
            print(f"{number:<6}{name:<18}{t['mb_per_s']:>8.0f}{t['errors']:>8}{t['cpu_s']:>8.2f}"
                  f"{per_cpu:>10.0f}{t['marginal_cpu_ns_per_byte']:>15.3f}"
                  f"{t['sink_busy']:>11.2f}{tail}")
    b = statistics.median(ratios_b)
    return (f"{'(b) unsigned single PUT vs curl, MB/s over transfer time':<58}{b:>8.2f}  "
            f"{'met' if b >= TARGET_VS_CURL else 'MISSED'} (>= {TARGET_VS_CURL}); over "
            f"s3storm's whole phase {statistics.median(ratios_b_phase):.2f}; per CPU-second "
            f"(marginal) {statistics.median(ratios_b_cpu):.2f}")


def main():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--openssl-seconds", type=int, default=3)
    parser.add_argument("--uploads", type=int, default=12, help="multipart uploads per round")
    parser.add_argument("--size-mib", type=int, default=64)
    parser.add_argument("--part-mib", type=int, default=8)
    parser.add_argument("--parallel-parts", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2, help="uploads at once")
    parser.add_argument("--puts", type=int, default=8, help="single PUTs per round and tool")
    parser.add_argument("--put-mib", type=int, default=64)
    parser.add_argument("--only", choices=("a", "b"),
                        help="one bar: (a) multipart against openssl, (b) unsigned PUT against curl")
    parser.add_argument("--send-floor", metavar="ENDPOINT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.send_floor:
        return send_floor(args.send_floor, args.put_mib, args.puts)
    for tool in (args.bin, shutil.which("curl"), shutil.which("openssl"), harness.NGINX):
        if not tool or not os.access(tool, os.X_OK):
            sys.exit(f"bulk: {tool or 'curl/openssl'} not found or not executable (cmake "
                     "--build --preset release --target s3storm; apt-get install curl nginx)")

    workdir = tempfile.mkdtemp(prefix="s3storm-bulk-")
    body_file = os.path.join(workdir, "body.bin")
    with open(body_file, "wb") as f:
        f.write(os.urandom(args.put_mib * MIB))
    subprocess.run(["cat", body_file], stdout=subprocess.DEVNULL, check=True)  # page cache
    load_before = benchlib.load_average()
    rounds = []
    try:
        with benchlib.pinned(SERVER_CPU):
            nginx = multipart_nginx()
        try:
            for _ in range(args.rounds):
                measured = {}
                if args.only in (None, "a"):
                    measured["openssl"] = openssl_sha256(args.openssl_seconds)
                    measured["multipart"] = run_marginal_multipart(args, nginx.endpoint, workdir)
                    measured["floor"] = run_send_floor(args, nginx.endpoint)
                if args.only in (None, "b"):
                    sink = nginx.proc.pid
                    measured["curl"] = with_marginal_cpu(lambda a: with_sink_busy(
                        sink, lambda: run_curl(a, nginx.endpoint, body_file)), args)
                    measured["unsigned"] = with_marginal_cpu(lambda a: with_sink_busy(
                        sink, lambda: run_unsigned(a, nginx.endpoint, workdir)), args)
                rounds.append(measured)
        finally:
            nginx.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = benchlib.load_average()

    print(f"nginx (null sink, multipart answers) on CPU {sorted(SERVER_CPU)}, every generator "
          f"on CPU {sorted(CLIENT_CPU)}, {args.rounds} round(s)")
    print(f"load average before {load_before}, after {load_after}")
    verdicts = []
    if args.only in (None, "a"):
        verdicts.append(print_bar_a(rounds, args))
    if args.only in (None, "b"):
        verdicts.append(print_bar_b(rounds, args))
    print()
    print(f"{'bar':<58}{'median':>8}  verdict")
    for line in verdicts:
        print(line)
    return 0


if __name__ == "__main__":
    benchlib.run_main(main)
