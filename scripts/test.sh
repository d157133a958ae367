#!/usr/bin/env bash
# Builds s3storm (Release) and runs every test: units and integration against local servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
