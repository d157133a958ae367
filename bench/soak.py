"""Issues #14 (item 9) and #18: does memory stay flat over a long run? `s3storm serve --discard
--notify` (events POSTed to the run's own webhook) takes an open-loop `s3storm run` at a fixed
rate for N minutes; each iteration PUTs a fresh key and deletes it, so serve ends up storing
nothing new while the run's matcher sees two new identities per iteration (it may only hold those
of its `events.dedup_window`). VmRSS of both processes is sampled every 10 s into a CSV.

Verdict per process: after the warm-up (by default the dedup window plus a minute, the time the
matcher needs to fill its window), the samples are cut in thirds; the process is flat when the
last third's mean RSS is within --flat-pct of the first third's. Also printed:
- bytes per expected event: the run's RSS growth from its first sample to the plateau (mean of
  the post-warm-up samples), over the events one window holds (rate x 2 x window);
- bytes per stored key: before the soak, the RSS growth of a serve of its own (no --notify, so
  no event of the fill reaches the soak's webhook) over a closed-loop fill of --fill distinct keys,
  over that count;
- the CPU both processes used, in cores (CPU seconds over the soak's wall time).

    /usr/bin/python3 bench/soak.py --bin build/release/s3storm --minutes 30 --rate 2000"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import harness

SCENARIO = """\
# Written by bench/soak.py
target:
  endpoint: {endpoint}
  region: us-east-1
  credentials: env
  bucket: soak
  retries: 2
setup:
  buckets: [soak]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: {grace}s
  dedup_window: {window}s
phases:
  - name: soak
    duration: {seconds}s
    rate: {rate}/s
    concurrency: {concurrency}
    flow:
      - put: {{ key: "soak/{{worker}}-{{seq}}", size: 16 }}
      - delete: {{ key: last }}
"""

FILL = """\
# Written by bench/soak.py: distinct keys serve keeps, to measure its bytes per stored key.
target:
  endpoint: {endpoint}
  region: us-east-1
  credentials: env
  bucket: soak
  retries: 2
setup:
  buckets: [soak]
phases:
  - name: fill
    iterations: {count}
    concurrency: 32
    flow:
      - put: {{ key: "fill/{{worker}}-{{seq}}", size: 16 }}
"""


def vm_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def mean(values):
    return sum(values) / len(values) if values else 0.0


def verdict(samples, warmup_s, flat_pct):
    """(first-third mean, last-third mean, change in %, flat?) of the samples after the warm-up."""
    settled = [rss for t, rss in samples if t >= warmup_s]
    if len(settled) < 3:
        return None
    third = len(settled) // 3
    first, last = mean(settled[:third]), mean(settled[-third:])
    change = 100.0 * (last - first) / first if first else 0.0
    return first, last, change, abs(change) <= flat_pct


def run_fill(args, workdir):
    server = harness.EmbeddedServer("--discard", "--threads", str(args.server_threads))
    try:
        return fill_bytes_per_key(args, workdir, server)
    finally:
        server.stop()


def fill_bytes_per_key(args, workdir, server):
    before = vm_rss_kib(server.proc.pid)
    scenario = harness.write_scenario(workdir, FILL.format(endpoint=server.endpoint,
                                                           count=args.fill), name="fill.yaml")
    benchlib.Measured([args.bin, "run", scenario, "--quiet"], env=benchlib.s3storm_env(),
                      timeout=600).check("the fill run")
    time.sleep(1)
    return 1024.0 * (vm_rss_kib(server.proc.pid) - before) / args.fill


def main():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=int, default=20000, help="iterations (PUT + DELETE) per s")
    parser.add_argument("--window", type=int, default=300, help="events.dedup_window, seconds")
    parser.add_argument("--warmup", type=int, default=None,
                        help="seconds before the verdict's samples; default window + 60")
    parser.add_argument("--flat-pct", type=float, default=5.0)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--fill", type=int, default=100000)
    parser.add_argument("--grace", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--server-threads", type=int, default=1)
    parser.add_argument("--notify-connections", type=int, default=4)
    parser.add_argument("--run-threads", type=int, default=1)
    parser.add_argument("--csv", default="soak.csv")
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"soak: {args.bin} not found (build it: see the header of bench/soak.sh)")
    warmup = args.warmup if args.warmup is not None else args.window + 60
    harness.BIN = args.bin
    workdir = tempfile.mkdtemp(prefix="s3storm-soak-")
    hook = harness.free_port()
    seconds = int(args.minutes * 60)
    load_before = benchlib.load_average()
    per_stored_key = run_fill(args, workdir)
    server = harness.EmbeddedServer("--discard", "--threads", str(args.server_threads),
                                    "--notify", f"http://127.0.0.1:{hook}/",
                                    "--notify-connections", str(args.notify_connections))
    serve_rows, run_rows = [], []
    cpu = {}
    try:
        report_path = os.path.join(workdir, "report.json")
        scenario = harness.write_scenario(workdir, SCENARIO.format(
            endpoint=server.endpoint, hook=hook, grace=args.grace, window=args.window,
            seconds=seconds, rate=args.rate, concurrency=args.concurrency))
        env = dict(os.environ, **{k: v for k, v in benchlib.s3storm_env().items() if v})
        for name, value in benchlib.s3storm_env().items():
            if value is None:
                env.pop(name, None)
        run = subprocess.Popen([args.bin, "run", scenario, "--quiet", "--threads",
                                str(args.run_threads), "--json", report_path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        began = time.monotonic()
        with open(args.csv, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["elapsed_s", "serve_rss_kib", "run_rss_kib", "serve_cpu_s", "run_cpu_s"])
            try:
                while run.poll() is None:
                    time.sleep(args.interval)
                    elapsed = round(time.monotonic() - began)
                    if elapsed > seconds:
                        break  # the grace and the report: not the soak
                    serve_rss, run_rss = vm_rss_kib(server.proc.pid), vm_rss_kib(run.pid)
                    cpu = {"serve": benchlib.tree_cpu_s(server.proc.pid),
                           "run": benchlib.tree_cpu_s(run.pid), "wall": elapsed}
                    out.writerow([elapsed, serve_rss, run_rss, f"{cpu['serve']:.1f}",
                                  f"{cpu['run']:.1f}"])
                    f.flush()
                    serve_rows.append((elapsed, serve_rss))
                    run_rows.append((elapsed, run_rss))
                _, stderr = run.communicate(timeout=args.grace + 300)
            except BaseException:
                run.kill()
                run.wait()
                raise
        if run.returncode not in (0, 1):
            raise RuntimeError(f"s3storm run exited {run.returncode}:\n{stderr.decode()[-2000:]}")
        with open(report_path) as f:
            report = json.load(f)
    finally:
        _, serve_err = server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    phase = report["phases"][0]
    totals = report["events"]["totals"]
    ops = phase["ops"]
    print(f"s3storm run, open loop {args.rate} iterations/s (16 B PUT + DELETE, 2 events each), "
          f"{args.minutes:g} min, concurrency {args.concurrency}, --threads {args.run_threads}; "
          f"serve --discard --threads {args.server_threads} --notify (webhook of the run), "
          f"events.dedup_window {args.window} s")
    print(f"load average before {load_before}, after {benchlib.load_average()}")
    print(f"put {ops['put']['count']} ({ops['put']['ops_per_s']:.0f}/s, {ops['put']['errors']} "
          f"errors), delete {ops['delete']['count']} ({ops['delete']['errors']} errors), "
          f"dropped starts {phase.get('dropped', 0)}")
    print(f"events expected {totals['expected']}, delivered {totals['delivered']}, missing "
          f"{totals['missing']}, duplicate {totals['duplicate']}, unexpected {totals['unexpected']}"
          f", delivery p99 {totals.get('delivery_ms', {}).get('p99')} ms")
    if cpu:
        print(f"CPU over {cpu['wall']} s: serve {cpu['serve'] / cpu['wall']:.2f} cores, run "
              f"{cpu['run'] / cpu['wall']:.2f} cores, together "
              f"{(cpu['serve'] + cpu['run']) / cpu['wall']:.2f}")
    print(f"serve's exit: {serve_err.strip().splitlines()[-1] if serve_err.strip() else '-'}")
    print(f"samples every {args.interval:g} s in {args.csv}; verdict after {warmup} s warm-up, "
          f"flat = last third's mean within {args.flat_pct:g}% of the first third's")
    flat = True
    for name, rows in (("serve", serve_rows), ("run", run_rows)):
        v = verdict(rows, warmup, args.flat_pct)
        if v is None:
            print(f"{name:<6} too few samples after the warm-up")
            flat = False
            continue
        first, last, change, ok = v
        flat = flat and ok
        print(f"{name:<6} first third {first / 1024:.1f} MiB, last third {last / 1024:.1f} MiB, "
              f"{change:+.2f}%: {'FLAT' if ok else 'GROWING'}; peak {max(r for _, r in rows) / 1024:.1f} MiB")
    settled = [rss for t, rss in run_rows if t >= warmup]
    if run_rows and settled:
        held_events = args.rate * 2 * min(args.window, seconds)
        growth = 1024.0 * (mean(settled) - run_rows[0][1])
        print(f"bytes per expected event (run's growth to its plateau / {held_events} events in "
              f"one window): {growth / held_events:.0f} B")
    print(f"bytes per stored key (serve, {args.fill} keys filled): {per_stored_key:.0f} B")
    return 0 if flat and totals["missing"] == 0 else 1


if __name__ == "__main__":
    benchlib.run_main(main)
