#!/usr/bin/env bash
# s3storm vs boto3 against Ceph RGW, and event delivery latency of synchronous vs persistent
# topics (issue 8). Starts and always stops its own one-node cluster. Needs a Release build:
#   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/bench --target s3storm -j2
#   bash bench/ceph.sh [--seconds 10] [--concurrency 16] [--event-puts 1000] [--event-rate 100]
# S3STORM_BIN overrides the binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/ceph.py" "$@"
