"""Where a server's CPU goes under the issue-6 load: the PUT scenario of bench/embedded.sh (signed
1 KiB PUTs, 64 connections, `s3storm run --threads 1` on one core) against `s3storm serve --discard
--threads 1` or nginx on the other core, with `perf record` sampling the server's processes only.
Prints the server's CPU per request, its samples per binary (kernel, s3storm, libcrypto, libc) and
its top symbols. Needs perf (Debian: linux-perf) and a Release build.

    bash bench/server_profile.sh [--target embedded|nginx] [--seconds 4] [--top 40]"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import benchlib
from benchlib import CLIENT_CPU, SERVER_CPU, harness


def perf_report(data, sort, top):
    out = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none",
                          "--sort", sort], capture_output=True, text=True).stdout
    rows = [line for line in out.splitlines() if line.strip() and not line.startswith("#")]
    return "\n".join(rows[:top])


def main():
    parser = benchlib.argument_parser(__doc__, build="bench")
    parser.add_argument("--target", choices=("embedded", "nginx"), default="embedded")
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--top", type=int, default=40, help="symbols to print")
    args = parser.parse_args()
    for tool in (args.bin, shutil.which("perf") or "perf"):
        if not os.access(tool, os.X_OK):
            sys.exit(f"server_profile: {tool} not found (build s3storm with the cmake commands "
                     "in bench/RESULTS.md; apt-get install linux-perf)")
    harness.BIN = args.bin

    workdir = tempfile.mkdtemp(prefix="s3storm-profile-")
    data = os.path.join(workdir, "perf.data")
    try:
        with benchlib.pinned(SERVER_CPU):
            server = (harness.Nginx() if args.target == "nginx" else harness.EmbeddedServer(
                "--discard", "--threads", "1", "--access-key", benchlib.ACCESS_KEY,
                "--secret-key", benchlib.SECRET_KEY))
        try:
            pids = benchlib.tree_pids(server.proc.pid)
            perf = subprocess.Popen(["perf", "record", "-F", "4000", "-o", data, "-p",
                                     ",".join(map(str, pids))],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cpu_before = benchlib.tree_cpu_s(server.proc.pid)
            _, put = benchlib.run_s3storm_puts(args.bin, server.endpoint, "1KiB", 64,
                                               args.seconds, threads=1, cpus=CLIENT_CPU,
                                               workdir=workdir)
            server_cpu = benchlib.tree_cpu_s(server.proc.pid) - cpu_before
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=60)
        finally:
            server.stop()
        print(f"{args.target}: {put['ops_per_s']:.0f} PUT/s, {put['errors']} errors, server "
              f"{1e6 * server_cpu / max(put['count'], 1):.2f} µs CPU per request (perf's sampling "
              "adds a little)")
        print("\nsamples by binary:\n" + perf_report(data, "dso", 8))
        print(f"\ntop {args.top} symbols:\n" + perf_report(data, "dso,sym", args.top))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    benchlib.run_main(main)
