#!/usr/bin/env bash
# Issues #14 (item 9) and #18: a long run at a fixed rate against `s3storm serve` with every event
# POSTed to the run's own webhook; VmRSS of serve and of the run sampled every 10 s into a CSV,
# and a verdict on whether each stayed flat. Needs a Release build first:
#   cmake --preset release && cmake --build --preset release
#   bash bench/soak.sh [--minutes 30] [--rate 20000] [--csv soak.csv]
# S3STORM_BIN overrides the binary. Every server the script starts is stopped by the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/soak.py" "$@"
