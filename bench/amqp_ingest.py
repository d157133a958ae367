"""Issue 15: AMQP ingest, events/s consumed and matched on one core, s3storm against a
python3-pika consumer doing the same count. A RabbitMQ of its own (tests/support/rabbitmq.py);
for each consumer a durable queue is filled with COUNT one-record S3 event messages first, so
the consumer, pinned to the first CPU, reads a full queue and the broker is the only other party.
The broker alone is measured too: how fast the queue fills (pika publishing), and how fast it is
read by a consumer that only acknowledges (`bare`), the broker's own limit for one consumer.

    cmake --build --preset release --target amqp_ingest_bench
    bash bench/amqp_ingest.sh [--count 100000] [--bin build/release/bench/amqp_ingest_bench]
"""
import argparse
import json
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "support"))
import pika  # noqa: E402
from rabbitmq import RabbitMQ  # noqa: E402

EXCHANGE = "ingest"


def body(i):
    return json.dumps({"Records": [{
        "eventVersion": "2.2", "eventSource": "ceph:s3", "awsRegion": "default",
        "eventTime": "2026-12-04T05:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": "ingest"},
               "object": {"key": f"k/{i}", "size": 10, "eTag": "0123456789abcdef"}}}]})


def fill(broker, queue, count):
    start = time.monotonic()
    connection, channel = broker.channel()
    channel.exchange_declare(exchange=EXCHANGE, exchange_type="topic", durable=True)
    channel.queue_declare(queue=queue, durable=True)
    channel.queue_bind(queue=queue, exchange=EXCHANGE, routing_key="ingest")
    for i in range(count):
        channel.basic_publish(exchange=EXCHANGE, routing_key="ingest", body=body(i))
    # Wait until the broker has routed all of it.
    while channel.queue_declare(queue=queue, durable=True, passive=True).method.message_count < count:
        time.sleep(0.1)
    connection.close()
    seconds = time.monotonic() - start
    print(f"fill     {count} messages published and routed in {seconds:.3f} s: "
          f"{count / seconds:.0f} messages/s")


def pika_consume(broker, queue, count):
    """The same work as s3storm: parse each body, find the record's key, ack in batches."""
    connection, channel = broker.channel()
    channel.basic_qos(prefetch_count=1000)
    expected = {f"k/{i}" for i in range(count)}
    start = time.monotonic()
    cpu = time.process_time()
    seen = 0
    for method, _, payload in channel.consume(queue, inactivity_timeout=10):
        if method is None:
            break
        for record in json.loads(payload)["Records"]:
            expected.discard(record["s3"]["object"]["key"])
        seen += 1
        if seen % 256 == 0 or seen == count:
            channel.basic_ack(method.delivery_tag, multiple=True)
        if not expected:
            break
    seconds = time.monotonic() - start
    cpu = time.process_time() - cpu
    matched = count - len(expected)
    connection.close()
    print(f"pika     {matched} events matched in {seconds:.3f} s: {matched / seconds:.0f} events/s, "
          f"{cpu * 1e6 / max(matched, 1):.1f} us CPU per event")


def pika_bare(broker, queue, count):
    """Reads and acknowledges, nothing else: what the broker delivers to one consumer that does
    no work, its own limit for one queue and connection."""
    connection, channel = broker.channel()
    channel.basic_qos(prefetch_count=1000)
    start = time.monotonic()
    seen = 0
    for method, _, _ in channel.consume(queue, inactivity_timeout=10):
        if method is None:
            break
        seen += 1
        if seen % 256 == 0 or seen == count:
            channel.basic_ack(method.delivery_tag, multiple=True)
        if seen == count:
            break
    seconds = time.monotonic() - start
    connection.close()
    print(f"bare     {seen} messages read in {seconds:.3f} s: {seen / seconds:.0f} messages/s "
          "(the broker's delivery to one consumer doing nothing)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--bin", default=os.path.join(here, "..", "build", "release", "bench",
                                                      "amqp_ingest_bench"))
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0))
    with RabbitMQ(start_timeout=300) as broker:
        fill(broker, "ingest-s3storm", args.count)
        subprocess.run(["taskset", "-c", str(cpus[0]), args.bin, broker.url(), "ingest-s3storm",
                        EXCHANGE, str(args.count)], check=True)
        fill(broker, "ingest-pika", args.count)
        os.sched_setaffinity(0, {cpus[0]})
        pika_consume(broker, "ingest-pika", args.count)
        fill(broker, "ingest-bare", args.count)
        pika_bare(broker, "ingest-bare", args.count)
        print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
