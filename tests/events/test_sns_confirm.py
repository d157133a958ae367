"""SNS HTTP delivery through the binaries: a SubscriptionConfirmation posted to the webhook of
`s3storm run` (events.sns_confirm, default true) and of `s3storm listen` is confirmed by fetching
its SubscribeURL, from a stand-in for SNS on loopback; with confirmation off, the URL is only
printed. Before, `run` built its receiver without a confirmer, so the default did nothing."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: AKIDEXAMPLE, secret_key: secret }}
  bucket: sns-bucket
events:
  source: webhook
  listen: 127.0.0.1:{webhook_port}
  grace: 1s
  sns_confirm: {confirm}
phases:
  - name: trickle
    duration: 3s
    concurrency: 1
    rate: 5/s
    flow:
      - put: {{ key: "k/{{iter}}", size: 16 }}
"""


class SnsStandIn:
    """Answers the SubscribeURL GET, as SNS does, and keeps what it was asked."""

    def __init__(self):
        self.paths = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.paths.append(self.path)
                body = b"<ConfirmSubscriptionResponse/>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def confirmation(self, token):
        return {"Type": "SubscriptionConfirmation", "MessageId": "m-1", "Token": token,
                "TopicArn": "arn:aws:sns:us-east-1:000000000000:events",
                "Message": "You have chosen to subscribe to the topic.",
                "SubscribeURL": f"http://127.0.0.1:{self.port}/?Action=ConfirmSubscription"
                                f"&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Aevents"
                                f"&Token={token}",
                "Timestamp": "2026-12-03T00:00:00.000Z", "SignatureVersion": "1"}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def post_when_listening(port, payload):
    harness.wait_for_port(port)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "text/plain; charset=UTF-8",
                 "x-amz-sns-message-type": "SubscriptionConfirmation"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status


class SnsConfirmation(unittest.TestCase):
    def setUp(self):
        self.sns = SnsStandIn()

    def tearDown(self):
        self.sns.close()

    def run_with(self, confirm):
        webhook_port = harness.free_port()
        with tempfile.TemporaryDirectory() as d, harness.Nginx() as nginx:
            path = harness.write_scenario(d, SCENARIO.format(
                endpoint=nginx.endpoint, webhook_port=webhook_port, confirm=confirm))
            statuses = []
            poster = threading.Thread(target=lambda: statuses.append(post_when_listening(
                webhook_port, self.sns.confirmation("run-token"))))
            poster.start()
            result = harness.run_s3storm(["run", path, "--quiet", "--threads", "1"])
            poster.join(30)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(statuses, [200])
        return result

    def test_run_confirms_by_default(self):
        self.run_with("true")
        self.assertEqual(len(self.sns.paths), 1, self.sns.paths)
        self.assertIn("Action=ConfirmSubscription", self.sns.paths[0])
        self.assertIn("Token=run-token", self.sns.paths[0])

    def test_run_only_reports_the_url_when_told_not_to_confirm(self):
        result = self.run_with("false")
        self.assertEqual(self.sns.paths, [])
        self.assertIn("SNS subscription not confirmed", result.stderr)
        self.assertIn(f"127.0.0.1:{self.sns.port}/?Action=ConfirmSubscription", result.stderr)

    def listen_with(self, *flags):
        port = harness.free_port()
        with harness.Process([harness.BIN, "listen", "--listen", f"127.0.0.1:{port}", *flags]) as p:
            status = post_when_listening(port, self.sns.confirmation("listen-token"))
            out, err = p.stop()
        self.assertEqual(status, 200)
        return out, err

    def test_listen_confirms_by_default_and_not_with_the_flag(self):
        self.listen_with()
        self.assertEqual(len(self.sns.paths), 1, self.sns.paths)
        self.assertIn("Token=listen-token", self.sns.paths[0])
        _, err = self.listen_with("--no-sns-confirm")
        self.assertEqual(len(self.sns.paths), 1)
        self.assertIn("SNS subscription not confirmed", err)


if __name__ == "__main__":
    unittest.main()
