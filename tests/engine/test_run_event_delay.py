"""Delivery latency through `s3storm run`: against `s3storm serve --fault event-delay:4s:P` (a
fraction P of the events held 4 s before serve delivers them), the run's delivery histograms hold
exactly as many events at 2 s or more as serve says it delayed, at over 10,000 operations: the
latency the run reports is the latency the server caused, event for event."""
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: delay
setup:
  buckets: [delay]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 20s
phases:
  - name: writes
    iterations: 5100
    concurrency: 16
    flow:
      - put: {{ key: "k/{{iter}}", size: 64 }}
      - delete: {{ key: "k/{{iter}}" }}
thresholds:
  - events.missing == 0
"""

# The report's histograms are HDR-style (src/stats/histogram.cpp): 2^11 exact values, then 2^10
# buckets per power of two. The bucket a value falls in, as Histogram::bucket_index computes it.
SUB_BUCKETS, HALF = 2048, 1024

# A held event is late by the hold; any other one by the machine's load alone, which under a
# sanitizer build on two busy cores has reached a second (CI): the line between them is halfway.
HOLD_S = 4
LATE_US = HOLD_S * 1_000_000 // 2


def bucket_index(value):
    if value < SUB_BUCKETS:
        return value
    shift = value.bit_length() - 1 - 10
    return SUB_BUCKETS + (shift - 1) * HALF + ((value >> shift) - HALF)


def at_least(histogram, micros):
    """How many values of a report histogram are >= micros (exact at a bucket's lower bound)."""
    first = bucket_index(micros)
    return sum(n for index, n in histogram["counts"] if index >= first) + histogram["overflow"]


class EventDelay(unittest.TestCase):
    def test_delayed_events_are_exactly_the_late_ones(self):
        with tempfile.TemporaryDirectory() as d:
            result, events, serve_err = harness.run_against_serve(
                d, SCENARIO, "--seed", "3", "--fault", f"event-delay:{HOLD_S}s:0.1")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        delayed = int(re.search(r"(\d+) delayed by fault", serve_err).group(1))
        self.assertGreater(delayed, 800)  # about 10% of 10,200
        totals = events["totals"]
        self.assertEqual(totals["expected"], 10200)
        self.assertEqual(totals["delivered"], 10200)
        self.assertEqual(totals["duplicate"] + totals["unexpected"], 0)
        # A held event reaches the run HOLD_S after serve made it, which is before the answer:
        # about HOLD_S after the request completed. No other event takes half of that.
        by_type = events["by_type"]
        late = sum(at_least(t["delivery_histogram"], LATE_US) for t in by_type.values())
        late_from_send = sum(at_least(t["delivery_from_send_histogram"], LATE_US)
                             for t in by_type.values())
        self.assertEqual(late, delayed)
        self.assertEqual(late_from_send, delayed)
        self.assertGreaterEqual(totals["delivery_ms"]["max"], HOLD_S * 1000 - 100)

    def test_without_the_fault_nothing_is_late(self):
        with tempfile.TemporaryDirectory() as d:
            result, events, serve_err = harness.run_against_serve(
                d, SCENARIO.replace("5100", "300"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(" 0 delayed by fault", serve_err)
        self.assertEqual(sum(at_least(t["delivery_histogram"], LATE_US)
                             for t in events["by_type"].values()), 0)


if __name__ == "__main__":
    unittest.main()
