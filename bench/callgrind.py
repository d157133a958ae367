"""Instructions per signed 1 KiB PUT, counted by callgrind (repeatable whatever the machine's load,
unlike the wall-clock rates of bench/peers.sh and bench/embedded.sh). `s3storm run --threads 1` sends
the PUTs at 64 connections.

  client  (issue 4) nginx on loopback answers every PUT; the run goes twice under callgrind, with a
          small and a large iteration count, and the difference of the two totals over the
          difference of the counts is one request's cost without start-up and report.
  server  (issue 6) `s3storm serve --discard --threads 1` runs under callgrind and receives N PUTs;
          its total over N (start-up and shutdown, ~1-2 M, are included and small against N).

    /usr/bin/python3 bench/callgrind.py client [--bin BIN] [--small 3000] [--large 13000]
                                               [--content repeat|random] [--payload MODE]
                                               [--endpoints 1|2]
    /usr/bin/python3 bench/callgrind.py server [--bin BIN] [--puts 10000] [--payload MODE]

--payload sets the run's `target.payload` (signed, streaming, ...: docs/scenario.md), so a mode's
cost per request can be compared with another's on either side. --endpoints 2 (client) spreads the
PUTs round robin over two nginx (`target.endpoints`), which the run reports per endpoint too."""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import harness


def callgrind_total(path):
    with open(path) as f:
        return int(re.search(r"^summary: (\d+)", f.read(), re.M).group(1))


def run_puts(binary, endpoint, iterations, workdir, under_callgrind=None, content="repeat",
             payload="signed"):
    """`s3storm run` of benchlib.PUT_SCENARIO, under callgrind when given an output path; exits when
    a PUT failed (a failed request costs less and would flatter the count). endpoint: a URL, or a
    list of them for target.endpoints (round robin)."""
    urls = endpoint if isinstance(endpoint, list) else [endpoint]
    text = benchlib.PUT_SCENARIO.format(
        endpoint=urls[0], size="1KiB", concurrency=64, seconds=600, iterations=iterations,
        step_options="") + f"content: {content}\n"
    if len(urls) > 1:
        text = text.replace(f"  endpoint: {urls[0]}\n",
                            f"  endpoints: [{', '.join(urls)}]\n  spread: round-robin\n")
    scenario = harness.write_scenario(workdir, text, f"put{iterations}.yaml")
    env = {k: v for k, v in {**os.environ, **benchlib.s3storm_env()}.items() if v is not None}
    prefix = ([] if under_callgrind is None else
              ["valgrind", "--tool=callgrind", f"--callgrind-out-file={under_callgrind}"])
    report = os.path.join(workdir, f"report.{iterations}.json")
    subprocess.run([*prefix, binary, "run", scenario, "--quiet", "--threads", "1", "--json", report,
                    "--set", f"target.payload={payload}"],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(report) as f:
        put = json.load(f)["phases"][0]["ops"]["put"]
    if put["count"] != iterations or put["errors"] > 0:
        sys.exit(f"callgrind: {put['count']} PUTs, {put['errors']} errors (wanted {iterations}, 0)")


def client(args, workdir):
    servers = [harness.Nginx() for _ in range(args.endpoints)]
    try:
        totals = {}
        for n in (args.small, args.large):
            out = os.path.join(workdir, f"client.{n}.callgrind")
            run_puts(args.bin, [s.endpoint for s in servers], n, workdir, under_callgrind=out,
                     content=args.content, payload=args.payload)
            totals[n] = callgrind_total(out)
    finally:
        for nginx in servers:
            nginx.stop()
    per_request = (totals[args.large] - totals[args.small]) / (args.large - args.small)
    print(f"client instructions, content: {args.content}, payload: {args.payload}, endpoints: "
          f"{args.endpoints}: {args.small:,} PUTs {totals[args.small]:,}, {args.large:,} PUTs "
          f"{totals[args.large]:,}; per request {per_request:,.0f}")


def server(args, workdir):
    port = harness.free_port()
    out = os.path.join(workdir, "server.callgrind")
    with open(os.path.join(workdir, "serve.log"), "w") as log:
        proc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", args.bin, "serve",
             "--discard", "--threads", "1", "--listen", f"127.0.0.1:{port}",
             "--access-key", benchlib.ACCESS_KEY, "--secret-key", benchlib.SECRET_KEY],
            stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    sys.exit("callgrind: serve did not start (see serve.log in " + workdir + ")")
                time.sleep(0.2)
        run_puts(args.bin, f"http://127.0.0.1:{port}", args.puts, workdir, payload=args.payload)
    finally:
        proc.send_signal(2)  # SIGINT: serve stops cleanly and callgrind writes its file
        proc.wait(timeout=60)
    total = callgrind_total(out)
    print(f"server instructions, payload: {args.payload}: {total:,}, PUTs {args.puts:,}; per request "
          f"{total / args.puts:,.0f}")
    print(f"callgrind output kept in {out} (e.g. `callgrind_annotate --tree=caller {out}` shows "
          "who calls operator new, and how often)")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("side", choices=("client", "server"))
    parser.add_argument("--bin", default=os.environ.get("S3STORM_BIN") or os.path.join(
        benchlib.SOURCE_DIR, "build", "bench", "s3storm"))
    parser.add_argument("--small", type=int, default=3000)
    parser.add_argument("--large", type=int, default=13000)
    parser.add_argument("--puts", type=int, default=10000)
    parser.add_argument("--content", choices=("repeat", "random"), default="repeat",
                        help="client: the PUT bodies' content (scenario `content:`)")
    parser.add_argument("--endpoints", type=int, choices=(1, 2), default=1,
                        help="client: PUTs spread round robin over this many nginx")
    parser.add_argument("--payload", default="signed",
                        help="the run's target.payload (signed, streaming, streaming-trailer, "
                        "unsigned, unsigned-trailer)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="s3storm-callgrind-")
    (client if args.side == "client" else server)(args, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
