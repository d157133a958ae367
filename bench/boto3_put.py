"""What users run today: a boto3 client shared by a thread pool, each thread PUTting 1 KiB
objects back to back for a fixed time. Prints one JSON line: requests, errors, seconds, rate.

    /usr/bin/python3 bench/boto3_put.py --endpoint http://127.0.0.1:PORT --threads 64 --seconds 5

Run it with /usr/bin/python3: the Debian boto3 is only visible to the system python."""
import argparse
import json
import sys
import threading
import time

import boto3
from botocore.config import Config


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--bucket", default="bench")
    parser.add_argument("--access-key", default="s3storm")
    parser.add_argument("--secret-key", default="s3storm-secret")
    args = parser.parse_args()

    client = boto3.client(
        "s3", endpoint_url=args.endpoint, region_name="us-east-1",
        aws_access_key_id=args.access_key, aws_secret_access_key=args.secret_key,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                      max_pool_connections=args.threads))
    body = b"x" * args.size
    # One request before the clock starts: boto3 loads its service model lazily, which is a
    # one-off cost every real script pays once, not a per-request one.
    client.put_object(Bucket=args.bucket, Key="warmup", Body=body)

    counts = [0] * args.threads
    errors = [0] * args.threads
    start = threading.Barrier(args.threads + 1)
    deadline = [0.0]

    def worker(index):
        start.wait()
        n = 0
        while time.monotonic() < deadline[0]:
            try:
                client.put_object(Bucket=args.bucket, Key=f"boto3/{index}-{n}", Body=body)
                counts[index] += 1
            except Exception:  # a failed request is counted, not fatal, like the other peers
                errors[index] += 1
            n += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    began = time.monotonic()
    deadline[0] = began + args.seconds
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    total = sum(counts)
    print(json.dumps({"requests": total, "errors": sum(errors), "seconds": round(elapsed, 3),
                      "rate": round(total / elapsed, 1)}))
    return 0 if total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
