#!/usr/bin/env bash
# Issue 5: webhook ingest rate with matching on. The receiver (events_bench --serve-webhook: the
# real WebhookReceiver on one server thread, its Matcher preloaded with an expected event for every
# key wrk will send, each with its operation's span and content, so every check of issue 14 runs)
# is pinned to the first CPU, wrk (bench/events_webhook.lua: one-record AWS event bodies with
# distinct keys) to the last. Prints events/s and the receiver's CPU per event
# (from /proc/<pid>/stat), which is what decides the rate once the receiver has a core to itself.
#
#   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/bench --target events_bench -j2
#   bash bench/ingest.sh [--bin build/bench/bench/events_bench] [--seconds 10] [--connections 32]
#   bash bench/ingest.sh --callgrind [--seconds 5] [--keep PATH]   # instructions per event of the
#       server thread; --keep saves the callgrind file for callgrind_annotate
#   bash bench/ingest.sh --syscalls   # also system calls and page faults per event, counted by
#       `perf stat` on the syscalls tracepoints over the whole wrk run (needs perf and
#       kernel.perf_event_paranoid <= 2 for one's own process)
#
# Every process the script starts is stopped by the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/../build/bench/bench/events_bench"
seconds=10
connections=32
callgrind=0
syscalls=0
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --callgrind) callgrind=1; shift ;;
    --syscalls) syscalls=1; shift ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "ingest: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x "$bin" ]] || { echo "ingest: $bin not built (see the header of $0)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "ingest: wrk not installed (apt-get install wrk)" >&2; exit 2; }

cpus=$(taskset -pc $$ | sed 's/.*: //')
first_cpu=$(echo "$cpus" | tr ',-' '\n\n' | sort -n | head -1)
last_cpu=$(echo "$cpus" | tr ',-' '\n\n' | sort -n | tail -1)
work="$(mktemp -d)"
receiver=""
cleanup() {
  [[ -n "$receiver" ]] && kill -INT "$receiver" 2>/dev/null && wait "$receiver" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Enough expectations for everything wrk can send in the time (unmatched events would be counted
# as unexpected, which is not the case this measures).
keys=$((seconds * 200000))
port=$((20000 + RANDOM % 20000))
runner=()
if [[ $callgrind -eq 1 ]]; then
  keys=$((seconds * 20000))
  # Only what the server thread does (accept, read, parse, match, answer), not the preload.
  runner=(valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out"
          "--toggle-collect=boost::asio::detail::scheduler::run*")
fi
taskset -c "$first_cpu" "${runner[@]}" "$bin" --serve-webhook "$port" "$keys" 1 \
  >"$work/receiver.out" 2>"$work/receiver.err" &
receiver=$!
for _ in $(seq 600); do
  grep -q "webhook on" "$work/receiver.err" 2>/dev/null && break
  kill -0 "$receiver" 2>/dev/null || { cat "$work/receiver.err" >&2; exit 1; }
  sleep 0.1
done

cpu_s() {  # "user system" seconds of a process
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print $12 / hz, $13 / hz }' "/proc/$1/stat"
}
# What the kernel does for each event: the system calls the receiver makes, by name, and its
# page faults (each a trap into the kernel too).
events=(raw_syscalls:sys_enter syscalls:sys_enter_recvfrom syscalls:sys_enter_sendmsg
        syscalls:sys_enter_sendto syscalls:sys_enter_epoll_wait syscalls:sys_enter_epoll_ctl
        syscalls:sys_enter_timerfd_settime syscalls:sys_enter_accept4 page-faults context-switches)
perf_pid=""
if [[ $syscalls -eq 1 ]]; then
  command -v perf >/dev/null || { echo "ingest: --syscalls needs perf" >&2; exit 2; }
  perf stat -x, -e "$(IFS=,; echo "${events[*]}")" -p "$receiver" -o "$work/perf.out" &
  perf_pid=$!
  sleep 0.5  # perf attaches before the load starts
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_before=$(cpu_s "$receiver")
taskset -c "$last_cpu" wrk -t1 "-c$connections" "-d${seconds}s" -s "$here/events_webhook.lua" \
  "http://127.0.0.1:$port/" >"$work/wrk.out"
cpu_after=$(cpu_s "$receiver")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ -n "$perf_pid" ]]; then
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
fi
kill -INT "$receiver"
wait "$receiver" || true
receiver=""
[[ $callgrind -eq 1 && -n "$keep" ]] && cp "$work/callgrind.out" "$keep"

summary=$(cat "$work/receiver.out")
deliveries=$(sed -n 's/.*deliveries \([0-9]*\).*/\1/p' <<<"$summary")
rate=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.out")
echo "webhook ingest: wrk -t1 -c$connections -d${seconds}s on CPU $last_cpu, receiver (1 server" \
     "thread, matcher with $keys expected keys) on CPU $first_cpu"
echo "load average before $load_before, after $load_after"
echo "receiver: $summary"
/usr/bin/python3 - "$deliveries" "$cpu_before" "$cpu_after" "$rate" "$callgrind" \
  "$work/callgrind.out" "$work/perf.out" <<'PY'
import os, sys
deliveries, before, after, rate, callgrind, out, perf_out = sys.argv[1:]
deliveries = max(int(deliveries or 0), 1)
user, system = (float(a) - float(b) for a, b in zip(after.split(), before.split()))
cpu = user + system
print(f"events/s (wrk) {float(rate or 0):,.0f}; receiver CPU {cpu:.2f} s = {1e6 * cpu / deliveries:.1f} µs "
      f"per event = {deliveries / max(cpu, 1e-9):,.0f} events per receiver CPU-second "
      f"(target >= 50,000 on one core)")
print(f"receiver CPU per event: user {1e6 * user / deliveries:.1f} µs, "
      f"system {1e6 * system / deliveries:.1f} µs")
if os.path.exists(perf_out):
    counts = []
    with open(perf_out) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) > 2 and fields[0].isdigit():
                name = fields[2].replace("syscalls:sys_enter_", "").replace("raw_syscalls:sys_enter",
                                                                           "all syscalls")
                counts.append(f"{name} {int(fields[0]) / deliveries:.3f}")
    print("per event: " + ", ".join(counts))
if callgrind == "1":
    total = 0
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
                break
    print(f"callgrind: server thread {total:,} instructions over {deliveries:,} events = "
          f"{total / deliveries:,.0f} per event")
PY
