#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (preset "fuzz", in build/fuzz) and runs each for a
# bounded time. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default: 30 s each, every target)
# FUZZ_JOBS targets run at once (default: one per core; libFuzzer itself uses one).
# Targets, seeds (tests/fuzz/<target>/corpus) and dictionaries (tests/fuzz/<target>.dict) are
# listed in tests/fuzz/CMakeLists.txt. New finds go to build/fuzz/corpus/<target>, crash, leak and
# timeout reproducers to build/fuzz/artifacts/<target>/, each run's output to
# build/fuzz/logs/<target>.log. Exits 1 when any target crashed, leaked or timed out.
set -euo pipefail
seconds="${1:-30}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v clang++ >/dev/null ||
  { echo "fuzz.sh: clang++ not found (bash scripts/setup.sh installs it)" >&2; exit 1; }

# Target -> -max_len: a little above the largest realistic input of that parser, so the fuzzer
# spends its time on structure rather than on size.
declare -A max_len=(
  [scenario_loader]=4096
  [http_request]=8192
  [sigv4_verifier]=4096
  [event_notification]=8192
  [s3_xml]=8192
  [sqs_sns]=8192
  [post_form]=8192
  [sigv2_verifier]=4096
  [aws_chunked]=4096
  [http_response]=8192
)
all_targets=(scenario_loader http_request sigv4_verifier event_notification s3_xml sqs_sns post_form
             sigv2_verifier aws_chunked http_response)
# Extra seed folders beyond tests/fuzz/<target>/corpus.
declare -A extra_seeds=([scenario_loader]=scenarios)

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  if [[ -z "${max_len[$target]:-}" ]]; then
    echo "scripts/fuzz.sh: unknown target '$target' (known: ${all_targets[*]})" >&2
    exit 2
  fi
done

cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j2 --target "${targets[@]/%/_fuzz}"

# One target's run; its verdict line goes to stdout (stderr on failure) and its status to
# $results/<target>, since several run at once.
fuzz_one() {
  local target="$1"
  local corpus="build/fuzz/corpus/$target"
  local artifacts="build/fuzz/artifacts/$target/"
  local log="build/fuzz/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  local status=0
  # -close_fd_mask=1 silences the target's stdout; crashes still print their report on stderr.
  "build/fuzz/tests/fuzz/${target}_fuzz" \
    -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 -rss_limit_mb=2048 \
    -close_fd_mask=1 -dict="tests/fuzz/$target.dict" -artifact_prefix="$artifacts" \
    -print_final_stats=1 "$corpus" "tests/fuzz/$target/corpus" ${extra_seeds[$target]:-} \
    >"$log" 2>&1 || status=$?
  echo "$status" >"$results/$target"
  # The last status line ("#N DONE cov: C ft: F corp: ...") and the final exec/s.
  local coverage speed runs artifact
  coverage="$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)"
  speed="$(grep -oE 'average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
  runs="$(grep -oE 'number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
  if [[ $status -eq 0 ]]; then
    echo "fuzz $target: ok, ${seconds}s, ${runs:-?} runs, ${speed:-?} exec/s, ${coverage:-cov: ?}"
  else
    artifact="$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | cut -d' ' -f5)"
    {
      echo "fuzz $target: FAILED (exit $status), reproducer: ${artifact:-none}, log: $log"
      grep -E '^==[0-9]+==ERROR|^SUMMARY|ALARM|Timeout|out-of-memory' "$log" | head -5 || true
    } >&2
  fi
}

results="build/fuzz/results"
rm -rf "$results"
mkdir -p "$results"
parallel="${FUZZ_JOBS:-$(nproc)}"
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  fuzz_one "$target" &
done
wait
failed=0
for target in "${targets[@]}"; do
  [[ "$(cat "$results/$target" 2>/dev/null)" == 0 ]] || failed=1
done
exit "$failed"
