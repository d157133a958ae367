"""s3storm against Ceph RGW, the first real object store, side by side in one run (issue 8):
1 KiB PUTs by s3storm and by boto3 (one thread, and a thread pool), then event delivery latency
through a synchronous and a persistent topic. Starts its own one-node cluster in a scratch folder
(scripts/ceph-rgw.sh) and always stops it. Prints a Markdown table.

    bash bench/ceph.sh [--seconds 10] [--concurrency 16] [--event-puts 1000]

Needs a Release build (S3STORM_BIN, default build/bench/s3storm) and the Ceph packages.
Numbers move with the machine's load: the load average is printed beside them."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import benchlib
from benchlib import harness

SCRIPT = os.path.join(benchlib.SOURCE_DIR, "scripts", "ceph-rgw.sh")

PUTS = """\
# Written by bench/ceph.py: one signed 1 KiB PUT per iteration, closed loop, no events.
target: {{ endpoint: {endpoint}, credentials: env, bucket: bench, retries: 0 }}
setup: {{ buckets: [bench] }}
phases:
  - name: put
    duration: {seconds}s
    concurrency: {concurrency}
    flow:
      - put: {{ key: "s3storm/{{worker}}-{{seq}}", size: 1024 }}
"""

EVENTS = """\
# Written by bench/ceph.py: PUTs at a fixed rate, each notified through an RGW topic.
target: {{ endpoint: {endpoint}, credentials: env, bucket: {bucket}, retries: 0 }}
setup:
  buckets: [{bucket}]
  topics: [ {{ name: {bucket}-topic, persistent: {persistent} }} ]
  notifications:
    - {{ bucket: {bucket}, events: ["s3:ObjectCreated:*"], webhook: true }}
events: {{ source: webhook, listen: "127.0.0.1:0", grace: 60s }}
phases:
  - name: put
    iterations: {puts}
    rate: {rate}/s
    concurrency: 8
    flow:
      - put: {{ key: "e/{{worker}}-{{seq}}", size: 1024 }}
"""


def cluster_env(directory):
    with open(os.path.join(directory, "env")) as f:
        values = dict(line.strip().split("=", 1) for line in f if "=" in line)
    env = {"AWS_ACCESS_KEY_ID": values["AWS_ACCESS_KEY_ID"],
           "AWS_SECRET_ACCESS_KEY": values["AWS_SECRET_ACCESS_KEY"]}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE"):
        env[name] = None
    return values["S3_ENDPOINT"], env


def s3storm_run(binary, workdir, name, text, env, timeout=300):
    scenario = harness.write_scenario(workdir, text, name=f"{name}.yaml")
    report = os.path.join(workdir, f"{name}.json")
    run = benchlib.Measured([binary, "run", scenario, "--quiet", "--json", report],
                            env=env, timeout=timeout)
    run.check(f"s3storm run ({name})")
    with open(report) as f:
        return json.load(f)


def boto3_run(endpoint, env, threads, seconds):
    run = benchlib.Measured([
        "/usr/bin/python3", os.path.join(benchlib.HERE, "boto3_put.py"), "--endpoint", endpoint,
        "--threads", str(threads), "--seconds", str(seconds), "--size", "1024",
        "--access-key", env["AWS_ACCESS_KEY_ID"], "--secret-key", env["AWS_SECRET_ACCESS_KEY"]],
        timeout=seconds + 120).check(f"boto3 ({threads} threads)")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--event-puts", type=int, default=1000)
    parser.add_argument("--event-rate", type=int, default=100)
    args = parser.parse_args()
    binary = os.environ.get("S3STORM_BIN") or os.path.join(
        benchlib.SOURCE_DIR, "build", "bench", "s3storm")

    directory = tempfile.mkdtemp(prefix="s3storm-ceph-bench-")
    workdir = tempfile.mkdtemp(prefix="s3storm-ceph-bench-run-")  # scenarios and reports
    started = subprocess.run(["bash", SCRIPT, "start", directory], capture_output=True, text=True)
    try:
        if started.returncode != 0:
            sys.exit(f"ceph-rgw.sh start failed ({started.returncode}): {started.stderr.strip()}")
        endpoint, env = cluster_env(directory)
        rows = []
        seconds = int(args.seconds)
        for concurrency in (1, args.concurrency):
            report = s3storm_run(binary, workdir, f"puts-{concurrency}", PUTS.format(
                endpoint=endpoint, seconds=seconds, concurrency=concurrency), env)
            put = report["phases"][0]["ops"]["put"]
            rows.append((f"s3storm, {concurrency} in flight", put["ops_per_s"], put["errors"],
                         put["latency_ms"]["p50"], put["latency_ms"]["p99"]))
        for threads in (1, args.concurrency):
            result = boto3_run(endpoint, env, threads, seconds)
            rows.append((f"boto3, {threads} thread{'s' if threads > 1 else ''}", result["rate"],
                         result["errors"], None, None))
        print(f"\n1 KiB PUTs against Ceph RGW (memstore), {seconds} s each, "
              f"load average {benchlib.load_average()}\n")
        print("| generator | PUT/s | errors | p50 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|")
        for name, rate, errors, p50, p99 in rows:
            fmt = lambda v: "-" if v is None else f"{v:g}"  # noqa: E731
            print(f"| {name} | {rate:.0f} | {errors} | {fmt(p50)} | {fmt(p99)} |")

        print(f"\nEvent delivery, {args.event_puts} PUTs at {args.event_rate}/s "
              f"(arrival minus the PUT's completion; an event POSTed before the S3 response "
              f"counts 0), load average {benchlib.load_average()}\n")
        print("| topic | expected | delivered | missing | duplicate | early | delivery p50 ms | "
              "p99 ms | max ms | PUT p50 ms | PUT p99 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for persistent in ("false", "true"):
            bucket = "ev-persistent" if persistent == "true" else "ev-sync"
            report = s3storm_run(binary, workdir, bucket, EVENTS.format(
                endpoint=endpoint, bucket=bucket, persistent=persistent, puts=args.event_puts,
                rate=args.event_rate), env)
            totals = report["events"]["totals"]
            delivery = totals["delivery_ms"]
            # A synchronous topic pushes before RGW answers: its cost shows in the PUT latency.
            put = report["phases"][0]["ops"]["put"]["latency_ms"]
            print(f"| {'persistent' if persistent == 'true' else 'synchronous'} | "
                  f"{totals['expected']} | {totals['delivered']} | {totals['missing']} | "
                  f"{totals['duplicate']} | {totals['early']} | {delivery['p50']:g} | "
                  f"{delivery['p99']:g} | {delivery['max']:g} | {put['p50']:g} | {put['p99']:g} |")
    finally:
        subprocess.run(["bash", SCRIPT, "stop", directory], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
