"""Issue 4: s3storm against its peers, side by side in one run, on the same nginx (a null S3
endpoint on loopback) and with the same connection count:

  wrk     unsigned 1 KiB PUTs (bench/put_1k.lua): the ceiling, a generator that signs nothing
  s3storm SigV4-signed 1 KiB PUTs, --threads 1
  boto3   a thread pool sharing one client (bench/boto3_put.py): what users run today

then the peak RSS of s3storm with 8 MiB PUT bodies at 1,024 connections. nginx is pinned to one
core and every generator to the other. Prints a table with the ratios; exits 0 when every run
worked (a missed target is reported, not an error: these are measurements, not tests).

    /usr/bin/python3 bench/peers.py --bin build/bench/s3storm   (or: bash bench/peers.sh)"""
import json
import os
import shutil
import sys
import tempfile

import benchlib
from benchlib import CLIENT_CPU, SERVER_CPU, Measured, harness

TARGET_VS_WRK = 0.7
TARGET_VS_BOTO3 = 100.0
TARGET_RSS_MIB = 64


def run_wrk(endpoint, connections, seconds):
    run = Measured(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                    "-s", os.path.join(benchlib.HERE, "put_1k.lua"), endpoint],
                   cpus=CLIENT_CPU).check("wrk")
    requests = errors = 0
    for line in run.stdout.splitlines():
        words = line.split()
        if "requests in" in line:
            requests = int(words[0])
        elif line.startswith("Requests/sec:"):
            rate = float(words[1])
        elif "Non-2xx" in line or line.strip().startswith("Socket errors"):
            errors += sum(int(w.rstrip(",")) for w in words if w.rstrip(",").isdigit())
    return {"rate": rate, "requests": requests, "errors": errors, "cpu_s": run.cpu_s}


def run_boto3(endpoint, connections, seconds):
    run = Measured(["/usr/bin/python3", os.path.join(benchlib.HERE, "boto3_put.py"),
                    "--endpoint", endpoint, "--threads", str(connections),
                    "--seconds", str(seconds)], cpus=CLIENT_CPU).check("boto3")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["cpu_s"] = run.cpu_s
    return result


def run_s3storm(binary, endpoint, connections, seconds, workdir):
    run, put = benchlib.run_s3storm_puts(binary, endpoint, 1024, connections, seconds,
                                         threads=1, cpus=CLIENT_CPU, workdir=workdir)
    return {"rate": put["ops_per_s"], "requests": put["count"], "errors": put["errors"],
            "cpu_s": run.cpu_s, "p99_ms": put["latency_ms"]["p99"]}


def run_rss(binary, endpoint, connections, seconds, workdir):
    # Default threads (one per core), like a user would run it; iterations bound the bytes sent.
    run, put = benchlib.run_s3storm_puts(binary, endpoint, "8MiB", connections, seconds,
                                         threads=2, cpus=benchlib.ALL_CPUS,
                                         iterations=4 * connections, workdir=workdir)
    return {"vm_hwm_mib": run.max_rss_kib / 1024, "requests": put["count"],
            "errors": put["errors"], "rate": put["ops_per_s"], "mb_per_s": put["mb_per_s"]}


def per_cpu(result):
    return result["requests"] / result["cpu_s"] if result["cpu_s"] > 0 else 0.0


def main():
    parser = benchlib.argument_parser(__doc__, build="bench")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rss-connections", type=int, default=1024)
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    for tool in (args.bin, shutil.which("wrk"), harness.NGINX):
        if not tool or not os.access(tool, os.X_OK):
            sys.exit(f"peers: {tool or 'wrk'} not found or not executable (build s3storm with "
                     "the cmake commands in bench/RESULTS.md; apt-get install wrk nginx)")

    workdir = tempfile.mkdtemp(prefix="s3storm-peers-")
    load_before = benchlib.load_average()
    with benchlib.pinned(SERVER_CPU):
        nginx = harness.Nginx()
    try:
        wrk = run_wrk(nginx.endpoint, args.connections, args.seconds)
        storm = run_s3storm(args.bin, nginx.endpoint, args.connections, args.seconds, workdir)
        boto3 = run_boto3(nginx.endpoint, args.connections, args.seconds)
        rss = None if args.skip_rss else run_rss(args.bin, nginx.endpoint,
                                                 args.rss_connections, 3, workdir)
    finally:
        nginx.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = benchlib.load_average()

    print(f"PUT 1 KiB to nginx on 127.0.0.1, {args.connections} connections, {args.seconds} s "
          f"each; nginx on CPU {sorted(SERVER_CPU)}, generators on CPU {sorted(CLIENT_CPU)}")
    print(f"load average before {load_before}, after {load_after}")
    print(f"{'generator':<28}{'req/s':>10}{'requests':>10}{'errors':>8}{'CPU s':>8}"
          f"{'req/CPU-s':>11}")
    for name, r in (("wrk (unsigned, ceiling)", wrk), ("s3storm (SigV4, 1 thread)", storm),
                    ("boto3 (thread pool)", boto3)):
        print(f"{name:<28}{r['rate']:>10.0f}{r['requests']:>10}{r['errors']:>8}"
              f"{r['cpu_s']:>8.2f}{per_cpu(r):>11.0f}")
    vs_wrk = storm["rate"] / wrk["rate"]
    vs_boto3 = storm["rate"] / boto3["rate"] if boto3["rate"] else float("inf")
    print(f"s3storm / wrk   = {vs_wrk:6.2f}  (target >= {TARGET_VS_WRK}: "
          f"{'met' if vs_wrk >= TARGET_VS_WRK else 'MISSED'}); per CPU-second "
          f"{per_cpu(storm) / per_cpu(wrk):.2f}")
    print(f"s3storm / boto3 = {vs_boto3:6.1f}  (target >= {TARGET_VS_BOTO3:.0f}: "
          f"{'met' if vs_boto3 >= TARGET_VS_BOTO3 else 'MISSED'}); per CPU-second "
          f"{per_cpu(storm) / per_cpu(boto3):.1f}")
    if rss:
        print(f"s3storm peak RSS (VmHWM), PUT 8 MiB bodies to nginx, {args.rss_connections} "
              f"connections, 2 threads: {rss['vm_hwm_mib']:.1f} MiB (target <= "
              f"{TARGET_RSS_MIB}: {'met' if rss['vm_hwm_mib'] <= TARGET_RSS_MIB else 'MISSED'}); "
              f"{rss['requests']} PUTs, {rss['errors']} errors, {rss['mb_per_s']:.0f} MB/s")
    return 0


if __name__ == "__main__":
    benchlib.run_main(main)
