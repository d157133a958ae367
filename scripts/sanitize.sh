#!/usr/bin/env bash
# The sanitizer stages, to run after scripts/test.sh (README.md, "Sanitizer stages"). Usage:
#   scripts/sanitize.sh [asan] [tsan] [fuzz]        (default: asan tsan)
#   asan  ASan+UBSan build (preset asan, build/asan): every unit test, every corpus replay and
#         the integration tests that drive the embedded target, with the instrumented binary
#   tsan  ThreadSanitizer build (preset tsan, build/tsan) of the concurrent parts only: the unit
#         tests of the engine, matcher, receivers, HTTP client and server, and serve's integration
#         tests
#   fuzz  scripts/fuzz.sh: the clang build of every libFuzzer target (preset fuzz, build/fuzz),
#         then each target for FUZZ_SECONDS (default 15) seconds, one per core at a time; a crash,
#         leak or timeout fails it with the reproducer's path
# Any sanitizer report fails the stage, also one from a child process whose exit status a test
# does not look at (a serve stopped at the end of a test, say): every report goes to a log file
# under build/<preset>/sanitizer-logs/ and the stage fails when one was written. Each stage
# prints how long it took. Extra arguments after "--" go to every ctest call.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

stages=()
ctest_args=()
while (($#)); do
  case "$1" in
    asan | tsan | fuzz) stages+=("$1") ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "scripts/sanitize.sh: unknown stage '$1' (known: asan tsan fuzz)" >&2; exit 2 ;;
  esac
  shift
done
((${#stages[@]})) || stages=(asan tsan)

# The asan stage runs every test but these. None of these drives the embedded target, and the
# client code they drive is the one run_embedded and the target tests drive already:
#   ceph_.*        a one-node Ceph cluster (radosgw), minutes of its own
#   run_s3rver, run_nginx, events_sqs_listen: s3rver, nginx and an SQS emulator as the server
# and one that drives it but cannot keep its time bound instrumented:
#   sigv4_botocore_differential  1,200 signatures each compared with botocore's, 18 s in Release,
#                  past its 120 s timeout under ASan; the signer runs under ASan in the sigv4
#                  unit tests (AWS's suite, the S3 examples) and in every test that signs
#   run_search     asserts where a capacity search lands against serve's capacity, which depends
#                  on the rate the instrumented binaries can offer and answer; its steps, the
#                  matcher's probe windows and the report's search run under ASan in the unit tests
asan_excluded='^(ceph_.*|run_s3rver|run_nginx|events_sqs_listen|sigv4_botocore_differential|run_search)$'

# The tsan stage: the concurrent parts. Unit test binaries (run directly, each with its own
# threads) and the integration tests of serve and of a run against it.
tsan_unit_paths=(engine/engine_tests events/events_matcher_test events/events_webhook_test
                 events/events_sqs_poller_test http/http_server_test http/http_client_test
                 http/http_retry_test target/target_unit_tests metrics/metrics_tests
                 stats/stats_model_test)
tsan_script_tests='^(run_embedded|run_abort|run_metrics|run_progress|run_event_content|run_event_order|run_shard|target_.*|events_listen|events_sns_confirm|events_eventbridge|cli_trigger|cli_run_signals)$'

# Fails when any sanitizer wrote a report into `logs`, and shows the first ones. A report has a
# SUMMARY line (UBSan's a "runtime error:" line too); a log with neither holds only a runtime's
# warning (ASan's on a stack switch, say), which is shown but fails nothing.
check_logs() {
  local logs="$1" reports
  reports="$(grep -lE 'SUMMARY: |runtime error:' -r "$logs" 2>/dev/null | sort || true)"
  for note in $(grep -LE 'SUMMARY: |runtime error:' -r "$logs" 2>/dev/null | head -3); do
    echo "sanitize: a warning, not a report, in $note: $(head -c 300 "$note")" >&2
  done
  if [[ -n "$reports" ]]; then
    echo "sanitize: sanitizer reports in $logs:" >&2
    for report in $(echo "$reports" | head -5); do
      echo "--- $report" >&2
      head -60 "$report" >&2
    done
    return 1
  fi
}

fresh_logs() {
  rm -rf "$1"
  mkdir -p "$1"
}

run_asan() {
  local logs="$root/build/asan/sanitizer-logs" status=0
  cmake --preset asan >/dev/null
  cmake --build --preset asan || return 1
  fresh_logs "$logs"
  # detect_leaks: LeakSanitizer at each process's exit; halt on the first report of either kind.
  ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$logs/asan" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan" \
    ctest --preset asan -E "$asan_excluded" "${ctest_args[@]}" || status=1
  check_logs "$logs" || status=1
  return "$status"
}

run_tsan() {
  local logs="$root/build/tsan/sanitizer-logs" status=0
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan --target s3storm "${tsan_unit_paths[@]##*/}" || return 1
  fresh_logs "$logs"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$logs/tsan"
  for binary in "${tsan_unit_paths[@]}"; do
    echo "tsan: $binary"
    # The bound ctest would give it (the tsan test preset's timeout).
    timeout 600 "build/tsan/tests/$binary" --gtest_brief=1 || status=1
  done
  ctest --preset tsan -R "$tsan_script_tests" "${ctest_args[@]}" || status=1
  unset TSAN_OPTIONS
  check_logs "$logs" || status=1
  return "$status"
}

run_fuzz() {
  bash scripts/fuzz.sh "${FUZZ_SECONDS:-15}"
}

failed=0
for stage in "${stages[@]}"; do
  started=$SECONDS
  echo "sanitize: $stage stage"
  status=0
  # Called in an || list, so `set -e` is off inside: each stage returns its own status.
  "run_$stage" || status=$?
  elapsed=$((SECONDS - started))
  if ((status)); then
    failed=1
    echo "sanitize: $stage FAILED after ${elapsed}s (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  else
    echo "sanitize: $stage passed in ${elapsed}s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  fi
done
exit "$failed"
