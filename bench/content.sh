#!/usr/bin/env bash
# 1 KiB signed PUTs, `content: random` against `content: repeat`, against one `s3storm serve
# --discard` (issue 17 item 2). Needs a Release build first (cmake --build --preset release):
#   bash bench/content.sh [--connections 64] [--seconds 5] [--size 1KiB] [--rounds 3] [--against serve|nginx]
# S3STORM_BIN overrides the binary. The server the script starts is stopped by the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/content.py" "$@"
