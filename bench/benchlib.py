"""Shared pieces of the side-by-side benchmarks (bench/peers.py, bench/embedded.py): the servers
come from tests/support/harness.py; this adds CPU pinning, child CPU time and peak RSS, and the
s3storm scenario the benchmarks run. Python stdlib only; run under /usr/bin/python3."""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "support"))
import harness  # noqa: E402  (the path above is what makes it importable)

ACCESS_KEY = harness.ACCESS_KEY
SECRET_KEY = harness.SECRET_KEY
# SIGTERM unwinds like Ctrl-C, so every `finally` that stops a server runs.
signal.signal(signal.SIGTERM, signal.default_int_handler)

ALL_CPUS = frozenset(os.sched_getaffinity(0))
# Two cores shared by a server and a generator: each gets one, so neither steals from the other
# (other processes on the machine still compete; the load average is printed with every number).
SERVER_CPU = {min(ALL_CPUS)}
CLIENT_CPU = {max(ALL_CPUS)} if len(ALL_CPUS) > 1 else set(ALL_CPUS)


def argument_parser(doc, build="release"):
    """A bench script's command line: its docstring as the help, and --bin, the s3storm to run
    (S3STORM_BIN, else build/BUILD/s3storm of this checkout)."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.environ.get("S3STORM_BIN") or os.path.join(
        SOURCE_DIR, "build", build, "s3storm"))
    return parser


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class pinned:
    """Children started inside `with pinned(cpus):` inherit the affinity (nginx forks its worker
    after we return, so pinning the parent at spawn time is the only way that covers it)."""

    def __init__(self, cpus):
        self.cpus = cpus

    def __enter__(self):
        os.sched_setaffinity(0, self.cpus)

    def __exit__(self, *exc):
        os.sched_setaffinity(0, ALL_CPUS)


class Measured:
    """Runs a command to completion and keeps its output, exit status, CPU seconds (user +
    system, and each apart) and peak RSS (ru_maxrss, which is the kernel's VmHWM of that one process), all from
    wait4 on that process alone. Killed after `timeout` seconds."""

    def __init__(self, args, cpus=None, env=None, timeout=120):
        full_env = dict(os.environ)
        for name, value in (env or {}).items():
            if value is None:
                full_env.pop(name, None)
            else:
                full_env[name] = value
        began = time.monotonic()
        with pinned(cpus or ALL_CPUS):
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=full_env)
        chunks = {"out": [], "err": []}
        readers = [threading.Thread(target=_drain, args=(proc.stdout, chunks["out"])),
                   threading.Thread(target=_drain, args=(proc.stderr, chunks["err"]))]
        for reader in readers:
            reader.start()
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C or SIGTERM: never leave a generator running
            proc.kill()
            proc.wait()
            raise
        finally:
            killer.cancel()
        for reader in readers:
            reader.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen never waits on it again
        self.wall_s = time.monotonic() - began
        self.returncode = proc.returncode
        self.cpu_s = usage.ru_utime + usage.ru_stime
        self.user_s = usage.ru_utime
        self.sys_s = usage.ru_stime
        self.max_rss_kib = usage.ru_maxrss
        self.stdout = b"".join(chunks["out"]).decode(errors="replace")
        self.stderr = b"".join(chunks["err"]).decode(errors="replace")

    def check(self, what):
        if self.returncode != 0:
            raise RuntimeError(f"{what} exited {self.returncode}:\n{self.stderr[-2000:]}")
        return self


def _drain(stream, into):
    for chunk in iter(lambda: stream.read(65536), b""):
        into.append(chunk)
    stream.close()


def run_main(main):
    """Exits with main()'s status; Ctrl-C or SIGTERM ends the script with "interrupted" once every
    `finally` on the way out has stopped the servers it started."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted")


def s3storm_env():
    """Credentials for `s3storm run` (the scenario says credentials: env), nothing else of the
    caller's AWS setup."""
    env = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE"):
        env[name] = None  # removed from the child's environment
    return env


PUT_SCENARIO = """\
# Written by bench/benchlib.py: one signed PUT per iteration, closed loop, no events.
description: benchmark PUTs
target:
  endpoint: {endpoint}
  region: us-east-1
  credentials: env
  bucket: bench
  retries: 0
setup:
  buckets: [bench]
phases:
  - name: put
    duration: {seconds}s
    iterations: {iterations}
    concurrency: {concurrency}
    flow:
      - put: {{ key: "bench/{{worker}}-{{seq}}", size: {size}{step_options} }}
"""


def run_s3storm_puts(binary, endpoint, size, concurrency, seconds, threads, cpus,
                     iterations=100000000, workdir=None, step_options="", extra_args=()):
    """`s3storm run` of PUT_SCENARIO; returns (Measured, the put op of the JSON report).
    step_options: more of the put step, e.g. ", content: random"; extra_args: more for `run`."""
    workdir = workdir or tempfile.mkdtemp(prefix="s3storm-bench-")
    scenario = harness.write_scenario(workdir, PUT_SCENARIO.format(
        endpoint=endpoint, size=size, concurrency=concurrency, seconds=seconds,
        iterations=iterations, step_options=step_options))
    report = os.path.join(workdir, "report.json")
    run = Measured([binary, "run", scenario, "--quiet", "--threads", str(threads),
                    "--json", report, *extra_args], cpus=cpus,
                   env=s3storm_env()).check("s3storm run")
    with open(report) as f:
        phase = json.load(f)["phases"][0]
    put = phase["ops"]["put"]
    put["phase_duration_s"] = phase["duration_s"]
    return run, put


def tree_pids(pid):
    """A running process and its descendants (a server like nginx: its master and its worker)."""
    found = []
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    pending.extend(int(child) for child in f.read().split())
        except OSError:
            continue  # it exited meanwhile
        found.append(current)
    return found


def tree_cpu_s(pid):
    """User + system CPU seconds of a process and its descendants so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for current in tree_pids(pid):
        try:
            with open(f"/proc/{current}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except (OSError, IndexError, ValueError):
            continue  # it exited meanwhile
    return total
