#!/usr/bin/env bash
# Builds s3storm (Release) and runs the main job: the quickstart scenario against the embedded
# S3 target, with every event type delivered, counted and timed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run  # only what the build and the run need; the tests' peers are not
cmake --preset release >/dev/null
cmake --build --preset release --target s3storm
./build/release/s3storm run scenarios/quickstart.yaml --json out/quickstart.json \
  --html out/quickstart.html "$@"
