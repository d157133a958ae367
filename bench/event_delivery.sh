#!/usr/bin/env bash
# Issue #18: `s3storm serve`'s PUT rate without events and with --notify to the run's own webhook,
# events delivered / missing and serve's peak RSS. Needs a Release build first:
#   cmake --preset release && cmake --build --preset release
#   bash bench/event_delivery.sh [--seconds 10] [--connections 64] [--batch 100]
# S3STORM_BIN overrides the binary. Every server the script starts is stopped by the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/event_delivery.py" "$@"
