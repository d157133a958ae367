"""`s3storm run` against nginx answering 200 to everything: a fast endpoint that exercises the
engine alone, in closed and in open loop."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: null-bucket
phases:
  - name: closed
    iterations: 3000
    concurrency: 32
    mix:
      - {{ weight: 3, put: {{ key: "n/{{hash:4}}/{{seq}}", size: 1KiB }} }}
      - {{ weight: 1, get: {{ key: "n/{{seq}}" }} }}
  - name: open
    duration: 2s
    concurrency: 32
    rate: 400/s
    flow:
      - put: {{ key: "o/{{iter}}", size: {{ uniform: {{ min: 1, max: 4KiB }} }} }}
seed: 9
"""


class RunAgainstNginx(unittest.TestCase):
    def test_closed_and_open_loop(self):
        with tempfile.TemporaryDirectory() as d, harness.Nginx() as nginx:
            json_path = os.path.join(d, "report.json")
            path = harness.write_scenario(d, SCENARIO.format(endpoint=nginx.endpoint))
            r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet", "--threads", "2"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            report = harness.load_report(json_path)
        closed = report["phases"][0]["ops"]
        self.assertEqual(closed["put"]["count"] + closed["get"]["count"], 3000)
        self.assertEqual(closed["put"]["errors"] + closed["get"]["errors"], 0)
        self.assertGreater(closed["put"]["count"], closed["get"]["count"])
        self.assertEqual(closed["put"]["bytes"], closed["put"]["ok"] * 1024)
        open_phase = report["phases"][1]
        puts = open_phase["ops"]["put"]["count"]
        # 400/s for 2 s is 800 starts; the schedule never depends on how the server answered.
        self.assertEqual(puts + open_phase["dropped"], 800)
        self.assertEqual(open_phase["ops"]["put"]["errors"], 0)


TLS = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: tls-bucket
  addressing: {addressing}
  tls: {tls}
setup:
  buckets: [tls-bucket]
phases:
  - name: puts
    iterations: 200
    concurrency: 4
    flow:
      - put: {{ key: "t/{{iter}}", size: 1KiB }}
seed: 4
"""


class RunOverTls(unittest.TestCase):
    def run_tls(self, nginx, d, tls, addressing="path", extra=()):
        path = harness.write_scenario(d, TLS.format(endpoint=nginx.endpoint, tls=tls,
                                                    addressing=addressing))
        json_path = os.path.join(d, "report.json")
        r = harness.run_s3storm(["run", path, "--json", json_path, "--quiet", *extra])
        return r, (harness.load_report(json_path) if r.returncode == 0 else None)

    def test_peer_verification_is_on_by_default_and_trusts_a_given_ca(self):
        with tempfile.TemporaryDirectory() as d, harness.Nginx(tls=True) as nginx:
            r, _ = self.run_tls(nginx, d, "{ verify: true }")
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("tls_failed", r.stderr)
            r, report = self.run_tls(nginx, d, "{ ca_file: %s }" % nginx.cert)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(report["phases"][0]["ops"]["put"]["ok"], 200, report["phases"][0]["ops"]["put"])

    def test_verification_off_and_insecure_flag(self):
        with tempfile.TemporaryDirectory() as d, harness.Nginx(tls=True) as nginx:
            r, report = self.run_tls(nginx, d, "{ verify: false }")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(report["phases"][0]["ops"]["put"]["ok"], 200, report["phases"][0]["ops"]["put"])
            r, report = self.run_tls(nginx, d, "{ verify: true }", "virtual", ["--insecure"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(report["phases"][0]["ops"]["put"]["ok"], 200, report["phases"][0]["ops"]["put"])


if __name__ == "__main__":
    unittest.main()
