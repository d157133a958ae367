#!/usr/bin/env bash
# s3storm run against `s3storm serve --discard` and against nginx (issue 6). Needs a Release build first:
#   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/bench --target s3storm -j2
#   bash bench/embedded.sh [--connections 64] [--seconds 5] [--size 1KiB] [--server-threads 1] [--rounds 3]
# S3STORM_BIN overrides the binary. Every server the script starts is stopped by the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/embedded.py" "$@"
