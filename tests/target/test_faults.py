"""Injected faults happen at their configured rates, within 4 standard deviations (the dice are
seeded, so a given build and request order always gives the same counts)."""

import http.client
import math
import unittest

from target_harness import Serve, Webhook


def assert_rate(test, hits, n, p):
    sigma = math.sqrt(n * p * (1 - p))
    test.assertLessEqual(abs(hits - n * p), 4 * sigma,
                         "%d of %d, expected %.1f +- %.1f" % (hits, n, n * p, 4 * sigma))


class Faults(unittest.TestCase):
    def test_slow_down_rate(self):
        serve = Serve("--fault", "503:0.1", "--seed", "7")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=10)
            statuses = {}
            n = 10000
            for _ in range(n):
                # Unsigned on purpose: faults strike before authentication, so the answer is
                # either the injected 503 SlowDown or the 403 an anonymous request earns.
                connection.request("GET", "/")
                response = connection.getresponse()
                body = response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status == 503:
                    self.assertIn(b"<Code>SlowDown</Code>", body)
            connection.close()
            self.assertEqual(set(statuses), {403, 503})
            assert_rate(self, statuses[503], n, 0.1)
        finally:
            code, stderr = serve.stop()
        self.assertEqual(code, 0)
        self.assertIn("%d SlowDown" % statuses[503], stderr)

    def test_reset_rate(self):
        serve = Serve("--fault", "reset:0.05", "--seed", "3")
        try:
            n, resets = 2000, 0
            connection = None
            for _ in range(n):
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=10)
                try:
                    connection.request("GET", "/")
                    connection.getresponse().read()
                except (ConnectionError, http.client.HTTPException):
                    resets += 1
                    connection.close()
                    connection = None
            assert_rate(self, resets, n, 0.05)
        finally:
            serve.stop()

    def test_event_drop_and_duplicate_rates(self):
        webhook = Webhook()
        serve = Serve("--notify", webhook.url, "--fault", "event-drop:0.2",
                      "--fault", "event-dup:0.1", "--seed", "11")
        try:
            s3 = serve.client()
            s3.create_bucket(Bucket="events")
            n = 600
            for i in range(n):
                s3.put_object(Bucket="events", Key="k%d" % i, Body=b"x")
        finally:
            code, stderr = serve.stop()  # stop() delivers what is queued first
            webhook.close()
        self.assertEqual(code, 0, stderr)
        counts = {}
        for record in webhook.records():
            key = record["s3"]["object"]["key"]
            counts[key] = counts.get(key, 0) + 1
        dropped = n - len(counts)
        duplicated = sum(1 for c in counts.values() if c == 2)
        self.assertTrue(all(c in (1, 2) for c in counts.values()))
        assert_rate(self, dropped, n, 0.2)
        assert_rate(self, duplicated, n, 0.8 * 0.1)

    def test_bad_fault_spec_is_usage_error(self):
        import os
        import subprocess
        result = subprocess.run([os.environ["S3STORM_BIN"], "serve", "--fault", "503:2"],
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--fault '503:2'", result.stderr)


if __name__ == "__main__":
    unittest.main()
