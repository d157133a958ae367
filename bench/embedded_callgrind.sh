#!/usr/bin/env bash
# Instructions per request of `s3storm serve --discard --threads 1` under callgrind (repeatable
# whatever the machine's load, unlike bench/embedded.sh's wall-clock rates): N signed 1 KiB PUTs
# from `s3storm run` at 64 connections, then the server's total instructions / N. The count includes
# the server's start-up and shutdown (a fixed ~1-2 M instructions, small against N requests).
#   bash bench/embedded_callgrind.sh BIN [N=10000] [OUT=/tmp/s3storm-serve.callgrind]
set -euo pipefail
bin="$(realpath "$1")"; n="${2:-10000}"; out="${3:-/tmp/s3storm-serve.callgrind}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" serve --discard --threads 1 \
  --listen "127.0.0.1:$port" --access-key bench --secret-key bench-secret >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done
cat >"$work/put.yaml" <<YAML
description: callgrind PUTs
target:
  endpoint: http://127.0.0.1:$port
  region: us-east-1
  credentials: env
  bucket: bench
  retries: 0
setup:
  buckets: [bench]
phases:
  - name: put
    duration: 600s
    iterations: $n
    concurrency: 64
    flow:
      - put: { key: "bench/{worker}-{seq}", size: 1KiB }
YAML
AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret \
  "$bin" run "$work/put.yaml" --quiet --threads 1 --json "$work/report.json" >/dev/null
kill -INT "$server"; wait "$server" || true
total=$(grep -m1 '^summary:' "$out" | awk '{print $2}')
/usr/bin/python3 - "$work/report.json" "$total" "$n" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
put = report["phases"][0]["ops"]["put"]
total, n = int(sys.argv[2]), int(sys.argv[3])
print(f"server instructions {total:,}, PUTs {put['count']:,} (errors {put['errors']}), "
      f"setup requests ~2; per request {total / max(put['count'], 1):,.0f}")
PY
