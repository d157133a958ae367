#!/usr/bin/env bash
# Each target.payload mode against `s3storm serve --discard`, 1 KiB PUTs (issue 17 item 7). Needs
# the release build of s3storm first (cmake --build --preset release --target s3storm):
#   bash bench/payload_modes.sh [--bin PATH] [--connections 64] [--seconds 4] [--size 1KiB] [--rounds 2]
# S3STORM_BIN overrides the binary. The script stops the server it starts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/payload_modes.py" "$@"
