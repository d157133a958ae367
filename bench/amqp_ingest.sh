#!/usr/bin/env bash
# Issue 15: AMQP ingest rate with matching on, s3storm vs a python3-pika consumer, on one core
# each, from a local RabbitMQ the script starts and always stops (bench/amqp_ingest.py).
#
#   cmake --build --preset release --target amqp_ingest_bench
#   bash bench/amqp_ingest.sh [--count 100000] [--bin build/release/bench/amqp_ingest_bench]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec /usr/bin/python3 "$here/amqp_ingest.py" "$@"
