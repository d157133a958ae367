#!/usr/bin/env bash
# Builds the scenario loader's libFuzzer target with clang (preset "fuzz", in build/fuzz) and runs
# it for a bounded time. Usage: scripts/fuzz.sh [SECONDS]   (default 30)
# Seeds: the shipped scenarios and tests/scenario/data/fuzz-corpus; new finds go to build/fuzz/corpus.
set -euo pipefail
seconds="${1:-30}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cmake --preset fuzz >/dev/null
cmake --build build/fuzz --target scenario_loader_fuzz -j2

corpus="build/fuzz/corpus"
artifacts="build/fuzz/artifacts/"
mkdir -p "$corpus" "$artifacts"
# -close_fd_mask=1 silences the target's stdout; crashes still print their report on stderr.
exec build/fuzz/tests/scenario/fuzz/scenario_loader_fuzz \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -dict=tests/scenario/fuzz/scenario.dict -artifact_prefix="$artifacts" -print_final_stats=1 \
  "$corpus" scenarios tests/scenario/data/fuzz-corpus
