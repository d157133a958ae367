#!/usr/bin/env bash
# Installs what s3storm needs on Debian 12. Idempotent: installs only what is missing, and is
# silent when nothing is.
#   bash scripts/setup.sh run    what building and running s3storm needs (the quickstart)
#   bash scripts/setup.sh peers  only the tests' peers, oracles and benchmark tools (scripts/test.sh
#                                installs them while the build runs)
#   bash scripts/setup.sh        both: run, then peers
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}
case "$mode" in
  run | peers | test) ;;
  *) echo "setup.sh: unknown mode '$mode' (run, peers or test)" >&2 && exit 2 ;;
esac

debian_packages=(
  # build
  g++ cmake ninja-build pkg-config
  # libraries
  libboost-dev libssl-dev libyaml-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libpugixml-dev
  # the event JSON reader (simdjson On-Demand): faster than the hand-written reader it replaced,
  # on every shape of event body (bench/RESULTS.md, "Event JSON reader")
  libsimdjson-dev
  # hardware CRC32/CRC32C for S3 object checksums (src/util/crc.cpp)
  libisal-dev
  # rabbitmq-c: the AMQP 0-9-1 client of events.source: amqp, listen --amqp, serve --notify amqp://
  librabbitmq-dev
)
# The tests' peers and oracles: only scripts/test.sh needs them, and they are most of the set-up
# time (Ceph, Chromium, RabbitMQ, the npm peers).
test_packages=(
  clang-format
  # test peers and oracles
  python3 python3-botocore python3-boto3 nginx-light wrk
  # the seed walkthrough's POST steps as written (requests, curl) and a SigV2 client (s3cmd)
  python3-requests curl s3cmd
  # a real S3 with SigV4 and bucket notifications: Ceph RGW on a one-node cluster (tests/ceph)
  ceph-mon ceph-osd radosgw ceph-common
  # the real-client suite (tests/clients): the S3 tools people point at the embedded target
  awscli s3cmd rclone
  # an AMQP broker for the amqp event source's tests (tests/support/rabbitmq.py), and pika as a
  # second client there and in the ingest benchmark
  rabbitmq-server python3-pika
  # the HTML report's browser test (headless Chromium driven by Selenium)
  chromium chromium-driver python3-selenium
  # fuzzing (libFuzzer ships with clang)
  clang
)
case "$mode" in
  peers) debian_packages=("${test_packages[@]}") ;;
  test) debian_packages+=("${test_packages[@]}") ;;
esac

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js brings npm with it on this image; Debian's separate npm package conflicts with it.
if [ "$mode" != run ]; then command -v npm >/dev/null 2>&1 || missing+=(nodejs npm); fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm test peers, pinned, installed into the repo's tests/node folder (git-ignored).
# Again whenever the lockfile changed since the last install (a copy is kept in node_modules).
if [ "$mode" != run ] && [ -f tests/node/package.json ] &&
  ! cmp -s tests/node/package-lock.json tests/node/node_modules/.s3storm-installed-lock 2>/dev/null; then
  echo "setup: installing npm test peers" >&2
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error &&
    cp package-lock.json node_modules/.s3storm-installed-lock)
fi
