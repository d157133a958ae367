"""Issue 6: the same `s3storm run` scenario against `s3storm serve --discard` and against nginx
(a null endpoint that parses HTTP and answers 200, nothing more), both on loopback. The server is
pinned to one core and the generator to the other, so each has a core and neither server can
take CPU from the generator. Target: the rate against the embedded target is at least 80% of the
rate against nginx, as the median over --rounds alternating pairs. Also prints each server's CPU
time per request (from /proc), which shows where the gap is when the wall-clock rates are noisy.

    /usr/bin/python3 bench/embedded.py --bin build/bench/s3storm   (or: bash bench/embedded.sh)"""
import os
import shutil
import statistics
import sys
import tempfile

import benchlib
from benchlib import CLIENT_CPU, SERVER_CPU, harness

TARGET_RATIO = 0.8


def measure(server, args, workdir):
    cpu_before = benchlib.tree_cpu_s(server.proc.pid)
    run, put = benchlib.run_s3storm_puts(args.bin, server.endpoint, args.size, args.connections,
                                         args.seconds, threads=1, cpus=CLIENT_CPU,
                                         workdir=workdir)
    server_cpu = benchlib.tree_cpu_s(server.proc.pid) - cpu_before
    return {"rate": put["ops_per_s"], "requests": put["count"], "errors": put["errors"],
            "p99_ms": put["latency_ms"]["p99"], "max_ms": put["latency_ms"]["max"],
            "phase_s": put["phase_duration_s"], "client_cpu_s": run.cpu_s,
            "server_cpu_s": server_cpu}


def main():
    parser = benchlib.argument_parser(__doc__, build="bench")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--size", default="1KiB", help="PUT body size, e.g. 1KiB or 64KiB")
    parser.add_argument("--server-threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3,
                        help="nginx then the embedded target, this many times; the verdict is "
                        "the median ratio (one pair of 5-s runs swings by +-5%% on a shared VM)")
    args = parser.parse_args()
    for tool in (args.bin, harness.NGINX):
        if not os.access(tool, os.X_OK):
            sys.exit(f"embedded: {tool} not found or not executable (build s3storm with the "
                     "cmake commands in bench/RESULTS.md; apt-get install nginx)")
    harness.BIN = args.bin

    workdir = tempfile.mkdtemp(prefix="s3storm-embedded-")
    load_before = benchlib.load_average()
    rounds = []  # one {"nginx": ..., "embedded": ...} per round
    try:
        for _ in range(args.rounds):
            results = {}
            with benchlib.pinned(SERVER_CPU):
                nginx = harness.Nginx()
            try:
                results["nginx"] = measure(nginx, args, workdir)
            finally:
                nginx.stop()
            with benchlib.pinned(SERVER_CPU):
                embedded = harness.EmbeddedServer(
                    "--discard", "--threads", str(args.server_threads),
                    "--access-key", benchlib.ACCESS_KEY, "--secret-key", benchlib.SECRET_KEY)
            try:
                results["embedded"] = measure(embedded, args, workdir)
            finally:
                embedded.stop()
            rounds.append(results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = benchlib.load_average()

    print(f"s3storm run, signed PUT {args.size}, {args.connections} connections, --threads 1, "
          f"{args.seconds} s each, {args.rounds} round(s) alternating the two servers; server on "
          f"CPU {sorted(SERVER_CPU)} (serve --threads {args.server_threads}), generator on CPU "
          f"{sorted(CLIENT_CPU)}")
    print(f"load average before {load_before}, after {load_after}")
    print(f"{'round':<6}{'target':<26}{'req/s':>10}{'requests':>10}{'phase s':>9}{'errors':>8}"
          f"{'p99 ms':>9}{'max ms':>9}{'client µs/req':>15}{'server µs/req':>15}")
    ratios = []
    for number, results in enumerate(rounds, 1):
        for name, label in (("nginx", "nginx (null endpoint)"),
                            ("embedded", "s3storm serve --discard")):
            r = results[name]
            n = max(r["requests"], 1)
            print(f"{number:<6}{label:<26}{r['rate']:>10.0f}{r['requests']:>10}{r['phase_s']:>9.2f}"
                  f"{r['errors']:>8}{r['p99_ms']:>9.2f}{r['max_ms']:>9.1f}"
                  f"{1e6 * r['client_cpu_s'] / n:>15.1f}"
                  f"{1e6 * r['server_cpu_s'] / n:>15.1f}")
            if r["phase_s"] > 1.2 * args.seconds:
                print(f"note: the {name} phase took {r['phase_s']:.1f} s for a {args.seconds} s "
                      "run (the last requests drained slowly, e.g. the generator was starved of "
                      "CPU); its rate is diluted by that tail")
        ratios.append(results["embedded"]["rate"] / results["nginx"]["rate"])
    ratio = statistics.median(ratios)
    print("embedded / nginx per round: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(f"embedded / nginx, median = {ratio:.2f}  (target >= {TARGET_RATIO}: "
          f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})")
    return 0


if __name__ == "__main__":
    benchlib.run_main(main)
