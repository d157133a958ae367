"""Issue #18: can `serve --notify` deliver its events as fast as it accepts PUTs? The same
closed-loop `s3storm run` of signed 16-byte PUTs (64 connections, one generator thread) against
`s3storm serve --discard` three ways: without events, with `--notify` to the run's own webhook
(one record per message, the default) and with `--notify-batch N`. serve is pinned to one core,
the run (generator and webhook receiver) to the other. Prints the PUT rate, events expected /
delivered / missing after the grace (from the run's report), serve's exit counters (lost to a full
queue, abandoned) and serve's peak RSS (VmHWM).

    /usr/bin/python3 bench/event_delivery.py --bin build/release/s3storm"""
import json
import os
import re
import shutil
import sys
import tempfile

import benchlib
from benchlib import CLIENT_CPU, SERVER_CPU, harness

SCENARIO = """\
# Written by bench/event_delivery.py
target:
  endpoint: {endpoint}
  region: us-east-1
  credentials: env
  bucket: bench
  retries: 0
setup:
  buckets: [bench]
{events}
phases:
  - name: put
    duration: {seconds}s
    concurrency: {concurrency}
    flow:
      - put: {{ key: "bench/{{worker}}-{{seq}}", size: 16 }}
"""

EVENTS = """\
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: {grace}s"""

EXIT = re.compile(r"events (\d+) emitted, (\d+) delivered, (\d+) failed.* (\d+) lost \(queue full\), "
                  r"(\d+) abandoned; (\d+) POSTs, (\d+) retries, queue peak (\d+) bytes")


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def measure(args, workdir, notify, batch):
    hook = harness.free_port()
    flags = ["--discard", "--threads", str(args.server_threads)]
    if notify:
        flags += ["--notify", f"http://127.0.0.1:{hook}/", "--notify-batch", str(batch),
                  "--notify-connections", str(args.notify_connections)]
    with benchlib.pinned(SERVER_CPU):
        server = harness.EmbeddedServer(*flags)
    try:
        scenario = harness.write_scenario(workdir, SCENARIO.format(
            endpoint=server.endpoint, seconds=args.seconds, concurrency=args.connections,
            events=EVENTS.format(hook=hook, grace=args.grace) if notify else ""))
        report_path = os.path.join(workdir, "report.json")
        run = benchlib.Measured([args.bin, "run", scenario, "--quiet", "--threads", "1",
                                 "--json", report_path], cpus=CLIENT_CPU,
                                env=benchlib.s3storm_env(), timeout=args.seconds + args.grace + 60)
        rss = vm_hwm_kib(server.proc.pid)
    finally:
        _, err = server.stop()
    if run.returncode not in (0, 1):
        raise RuntimeError(f"s3storm run exited {run.returncode}:\n{run.stderr[-2000:]}")
    with open(report_path) as f:
        report = json.load(f)
    put = report["phases"][0]["ops"]["put"]
    out = {"rate": put["ops_per_s"], "puts": put["count"], "errors": put["errors"],
           "rss_mib": rss / 1024, "serve": None, "events": None}
    if notify:
        totals = report["events"]["totals"]
        out["events"] = {k: totals[k] for k in ("expected", "delivered", "missing")}
        out["p99_ms"] = report["events"]["totals"].get("delivery_ms", {}).get("p99")
        m = EXIT.search(err)
        if m:
            names = ("emitted", "delivered", "failed", "lost", "abandoned", "posts", "retries",
                     "queue_peak")
            out["serve"] = dict(zip(names, (int(g) for g in m.groups())))
    return out


def main():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--grace", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--server-threads", type=int, default=2)
    parser.add_argument("--notify-connections", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"event_delivery: {args.bin} not found (build it: see the header of this file)")
    harness.BIN = args.bin
    workdir = tempfile.mkdtemp(prefix="s3storm-delivery-")
    load_before = benchlib.load_average()
    rows = []
    try:
        rows.append(("no events", measure(args, workdir, False, 1)))
        rows.append(("--notify (1 record/POST)", measure(args, workdir, True, 1)))
        rows.append((f"--notify --notify-batch {args.batch}", measure(args, workdir, True,
                                                                      args.batch)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"s3storm run, signed 16 B PUTs, {args.connections} connections, --threads 1, "
          f"{args.seconds} s, grace {args.grace} s; serve --discard --threads "
          f"{args.server_threads} on CPU {sorted(SERVER_CPU)}, run + its webhook on CPU "
          f"{sorted(CLIENT_CPU)}; --notify-connections {args.notify_connections}")
    print(f"load average before {load_before}, after {benchlib.load_average()}")
    print(f"{'serve':<34}{'PUT/s':>9}{'PUTs':>9}{'err':>5}{'expected':>10}{'delivered':>10}"
          f"{'missing':>9}{'lost':>7}{'aband.':>7}{'POSTs':>9}{'peak RSS':>10}")
    for label, r in rows:
        e = r["events"] or {}
        s = r["serve"] or {}
        print(f"{label:<34}{r['rate']:>9.0f}{r['puts']:>9}{r['errors']:>5}"
              f"{e.get('expected', '-'):>10}{e.get('delivered', '-'):>10}{e.get('missing', '-'):>9}"
              f"{s.get('lost', '-'):>7}{s.get('abandoned', '-'):>7}{s.get('posts', '-'):>9}"
              f"{r['rss_mib']:>8.1f}Mi")
    return 0


if __name__ == "__main__":
    benchlib.run_main(main)
