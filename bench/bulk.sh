#!/usr/bin/env bash
# Issue 17's bulk bars in one run (< 2 min): signed 64 MiB multipart uploads of random content
# against openssl's SHA-256 per core, and unsigned single PUTs against curl's, to one nginx on
# loopback. Needs a Release build first (cmake --build --preset release --target s3storm):
#   bash bench/bulk.sh [--only a|b] [--rounds 3] [--uploads 12] [--puts 8] [--put-mib 64] [--parallel-parts 2]
# S3STORM_BIN overrides the binary. The nginx the script starts is stopped by the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/bulk.py" "$@"
