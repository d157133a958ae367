#!/usr/bin/env bash
# Issue #18: `s3storm serve`'s peak RSS (VmHWM) under each hostile-client attack, a fresh serve
# per attack with default flags, and the slowest answer a normal client got meanwhile. Needs a
# Release build first (about a minute, loopback only):
#   cmake --preset release && cmake --build --preset release
#   bash bench/hostile_rss.sh [--slowloris 500] [--idle 5000] [--flood 2000] [--sent 60]
# S3STORM_BIN overrides the binary. Every server the script starts is stopped by the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/hostile_rss.py" "$@"
