"""Issue 4: instructions per signed 1 KiB PUT of the s3storm client, counted by callgrind (repeatable
whatever the machine's load, unlike bench/peers.sh's wall-clock rates). nginx on loopback answers
every PUT; `s3storm run --threads 1` at 64 connections runs twice under callgrind, with a small and
a large iteration count, and the difference of the two totals over the difference of the counts is
the cost of one request without start-up and report.

    /usr/bin/python3 bench/client_callgrind.py [--bin build/bench/s3storm] [--small 3000] [--large 13000]"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import benchlib
from benchlib import harness


def instructions(binary, endpoint, iterations, workdir):
    scenario = harness.write_scenario(workdir, benchlib.PUT_SCENARIO.format(
        endpoint=endpoint, size="1KiB", concurrency=64, seconds=600, iterations=iterations),
        f"put{iterations}.yaml")
    out = os.path.join(workdir, f"callgrind.{iterations}.out")
    env = {k: v for k, v in {**os.environ, **benchlib.s3storm_env()}.items() if v is not None}
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, "run",
                    scenario, "--quiet", "--threads", "1",
                    "--json", os.path.join(workdir, f"report.{iterations}.json")],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        match = re.search(r"^summary: (\d+)", f.read(), re.M)
    return int(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.environ.get("S3STORM_BIN") or os.path.join(
        benchlib.SOURCE_DIR, "build", "bench", "s3storm"))
    parser.add_argument("--small", type=int, default=3000)
    parser.add_argument("--large", type=int, default=13000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="s3storm-client-callgrind-")
    nginx = harness.Nginx()
    try:
        small = instructions(args.bin, nginx.endpoint, args.small, workdir)
        large = instructions(args.bin, nginx.endpoint, args.large, workdir)
    finally:
        nginx.stop()
    per_request = (large - small) / (args.large - args.small)
    print(f"client instructions: {args.small:,} PUTs {small:,}, {args.large:,} PUTs {large:,}; "
          f"per request {per_request:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
