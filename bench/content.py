"""Issue 17 item 2: 1 KiB signed PUTs with `content: random` (every body its own bytes, every
byte hashed for its signature) against `content: repeat` (one shared body, its hash remembered
per size), alternating, against the same `s3storm serve --discard`. The server is pinned to one
core and the generator to the other. Target: the random rate is at least 0.85x the repeat rate,
as the median over --rounds pairs. Also prints the generator's CPU time per request, which is
where the two differ. `--against nginx` runs the same pairs against nginx answering 200 (a null
endpoint far cheaper than serve), where the generator is the bottleneck and its cost shows.

    /usr/bin/python3 bench/content.py --bin build/release/s3storm   (or: bash bench/content.sh)"""
import os
import shutil
import statistics
import sys
import tempfile

import benchlib
from benchlib import CLIENT_CPU, SERVER_CPU, harness

TARGET_RATIO = 0.85

def measure(binary, endpoint, content, args, workdir):
    run, put = benchlib.run_s3storm_puts(binary, endpoint, args.size, args.connections,
                                         args.seconds, threads=1, cpus=CLIENT_CPU,
                                         workdir=workdir, step_options=f", content: {content}")
    return {"rate": put["ops_per_s"], "requests": put["count"], "errors": put["errors"],
            "p99_ms": put["latency_ms"]["p99"], "client_cpu_s": run.cpu_s}


def main():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--size", default="1KiB")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", choices=("serve", "nginx"), default="serve")
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"content: {args.bin} not found or not executable")
    harness.BIN = args.bin

    workdir = tempfile.mkdtemp(prefix="s3storm-content-")
    load_before = benchlib.load_average()
    rounds = []
    try:
        with benchlib.pinned(SERVER_CPU):
            serve = harness.Nginx() if args.against == "nginx" else harness.EmbeddedServer(
                "--discard", "--threads", "1", "--access-key", benchlib.ACCESS_KEY,
                "--secret-key", benchlib.SECRET_KEY)
        try:
            for _ in range(args.rounds):
                rounds.append({content: measure(args.bin, serve.endpoint, content, args, workdir)
                               for content in ("repeat", "random")})
        finally:
            serve.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = benchlib.load_average()

    print(f"s3storm run, signed PUT {args.size}, {args.connections} connections, --threads 1, "
          f"{args.seconds} s each, {args.rounds} round(s) of repeat then random against one "
          f"{'nginx' if args.against == 'nginx' else '`serve --discard --threads 1`'} on CPU "
          f"{sorted(SERVER_CPU)}, generator on CPU "
          f"{sorted(CLIENT_CPU)}")
    print(f"load average before {load_before}, after {load_after}")
    print(f"{'round':<6}{'content':<9}{'req/s':>10}{'requests':>10}{'errors':>8}{'p99 ms':>9}"
          f"{'generator µs/req':>18}")
    ratios = []
    for number, results in enumerate(rounds, 1):
        for content in ("repeat", "random"):
            r = results[content]
            n = max(r["requests"], 1)
            print(f"{number:<6}{content:<9}{r['rate']:>10.0f}{r['requests']:>10}{r['errors']:>8}"
                  f"{r['p99_ms']:>9.2f}{1e6 * r['client_cpu_s'] / n:>18.2f}")
        ratios.append(results["random"]["rate"] / results["repeat"]["rate"])
    ratio = statistics.median(ratios)
    print("random / repeat per round: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(f"random / repeat, median = {ratio:.2f}  (target >= {TARGET_RATIO}: "
          f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    benchlib.run_main(main)
