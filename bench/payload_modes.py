"""Issue 17 item 7: what each `target.payload` mode costs, side by side in one run. The same
`s3storm run` of 1 KiB PUTs against one `s3storm serve --discard` (which still verifies every
signature, chunk signature and trailer) in each mode, the server pinned to one core and the
generator to the other, the modes in turn for --rounds rounds. Target: `streaming` (chunk-signed
aws-chunked) at >= 0.9x the rate of `signed`, as the median over the rounds. Also prints the
CPU time per request of generator and server, which is what decides the ratio once both are busy.

    /usr/bin/python3 bench/payload_modes.py --bin build/release/s3storm   (or: bash bench/payload_modes.sh)"""
import os
import shutil
import statistics
import sys
import tempfile

import benchlib
from benchlib import CLIENT_CPU, SERVER_CPU, harness

MODES = ["signed", "streaming", "streaming-trailer", "unsigned", "unsigned-trailer"]
TARGET_RATIO = 0.9


def measure(server, args, workdir, mode):
    cpu_before = benchlib.tree_cpu_s(server.proc.pid)
    run, put = benchlib.run_s3storm_puts(args.bin, server.endpoint, args.size, args.connections,
                                         args.seconds, threads=1, cpus=CLIENT_CPU,
                                         workdir=workdir,
                                         extra_args=("--set", f"target.payload={mode}"))
    server_cpu = benchlib.tree_cpu_s(server.proc.pid) - cpu_before
    return {"rate": put["ops_per_s"], "requests": put["count"], "errors": put["errors"],
            "p99_ms": put["latency_ms"]["p99"], "client_cpu_s": run.cpu_s,
            "server_cpu_s": server_cpu}


def main():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--size", default="1KiB")
    parser.add_argument("--rounds", type=int, default=2,
                        help="every mode in turn, this many times (the whole run stays under 60 s "
                        "with the defaults)")
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"payload_modes: {args.bin} not found or not executable (cmake --build --preset "
                 "release --target s3storm)")
    harness.BIN = args.bin

    workdir = tempfile.mkdtemp(prefix="s3storm-payload-")
    load_before = benchlib.load_average()
    rounds = []
    try:
        with benchlib.pinned(SERVER_CPU):
            server = harness.EmbeddedServer("--discard", "--threads", "1", "--access-key",
                                            benchlib.ACCESS_KEY, "--secret-key",
                                            benchlib.SECRET_KEY)
        try:
            for _ in range(args.rounds):
                rounds.append({mode: measure(server, args, workdir, mode) for mode in MODES})
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = benchlib.load_average()

    print(f"s3storm run, PUT {args.size}, {args.connections} connections, --threads 1, "
          f"{args.seconds} s per mode, {args.rounds} round(s); serve --discard --threads 1 on CPU "
          f"{sorted(SERVER_CPU)}, generator on CPU {sorted(CLIENT_CPU)}")
    print(f"load average before {load_before}, after {load_after}")
    print(f"{'round':<6}{'payload':<20}{'req/s':>10}{'requests':>10}{'errors':>8}{'p99 ms':>9}"
          f"{'client µs/req':>15}{'server µs/req':>15}")
    ratios = []
    for number, results in enumerate(rounds, 1):
        for mode in MODES:
            r = results[mode]
            n = max(r["requests"], 1)
            print(f"{number:<6}{mode:<20}{r['rate']:>10.0f}{r['requests']:>10}{r['errors']:>8}"
                  f"{r['p99_ms']:>9.2f}{1e6 * r['client_cpu_s'] / n:>15.1f}"
                  f"{1e6 * r['server_cpu_s'] / n:>15.1f}")
        ratios.append(results["streaming"]["rate"] / results["signed"]["rate"])
    ratio = statistics.median(ratios)
    print("streaming / signed per round: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(f"streaming / signed, median = {ratio:.2f}  (target >= {TARGET_RATIO}: "
          f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})")
    return 0


if __name__ == "__main__":
    benchlib.run_main(main)
