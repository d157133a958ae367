#!/usr/bin/env bash
# Builds s3storm (Release) and runs every test: units and integration against local servers.
# The tests' peers (Ceph, RabbitMQ, Chromium, the clients, the npm peers: most of a fresh
# machine's set-up time, and mostly download) install while the build runs, which needs only the
# compiler and libraries; the tests start once both are done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
mkdir -p build
peers_log=build/setup-peers.log
bash scripts/setup.sh peers >"$peers_log" 2>&1 &
peers=$!
build_status=0
{ cmake --preset release >/dev/null && cmake --build --preset release; } || build_status=$?
peers_status=0
wait "$peers" || peers_status=$?
cat "$peers_log" >&2
if ((peers_status)); then
  echo "test.sh: installing the test peers failed (exit $peers_status); its output is above" >&2
  exit "$peers_status"
fi
((build_status == 0)) || exit "$build_status"
ctest --preset release "$@"
