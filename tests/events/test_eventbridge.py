"""EventBridge deliveries through `s3storm run`: `s3storm serve` notifies a relay that turns each
S3 record into the event EventBridge sends for it ("detail-type": "Object Created" with its
"reason", "Object Deleted" with its "deletion-type", the key unencoded), one per POST to the run's
webhook. Every operation's event is matched, with its size and eTag checked. Before, the webhook
refused these bodies with 400."""
import http.server
import json
import os
import sys
import tempfile
import threading
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

SCENARIO = """
target:
  endpoint: {endpoint}
  credentials: {{ access_key: s3storm, secret_key: s3storm-secret }}
  bucket: bridged
setup:
  buckets: [bridged]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 10s
phases:
  - name: writes
    iterations: 30
    concurrency: 3
    flow:
      - put: {{ key: "p q/{{iter}}", size: 100 }}
      - copy: {{ from: last, key: "c q/{{iter}}" }}
      - post: {{ key: "f q/{{iter}}", size: 40 }}
      - delete: {{ key: last }}
thresholds:
  - events.missing == 0
  - events.unexpected == 0
  - events.mismatched == 0
seed: 8
"""

REASONS = {"ObjectCreated:Put": "PutObject", "ObjectCreated:Post": "POST Object",
           "ObjectCreated:Copy": "CopyObject",
           "ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload"}


def eventbridge(record):
    name = record["eventName"]
    obj = record["s3"]["object"]
    detail = {"version": "0", "bucket": {"name": record["s3"]["bucket"]["name"]},
              "object": {"key": urllib.parse.unquote_plus(obj["key"]),
                         "sequencer": obj.get("sequencer", "")},
              "request-id": "R", "requester": "123456789012", "source-ip-address": "127.0.0.1"}
    if name.startswith("ObjectCreated:"):
        detail_type = "Object Created"
        detail["reason"] = REASONS[name]
        detail["object"].update(size=obj["size"], etag=obj["eTag"])
    else:
        detail_type = "Object Deleted"
        detail.update(reason="DeleteObject", **{"deletion-type": "Permanently Deleted"})
    return {"version": "0", "id": "e", "detail-type": detail_type, "source": "aws.s3",
            "account": "123456789012", "time": record["eventTime"], "region": "us-east-1",
            "resources": ["arn:aws:s3:::bridged"], "detail": detail}


class Relay:
    """Takes serve's S3 events and posts each record, as EventBridge would, to `target`."""

    def __init__(self, target):
        outer = self
        self.forwarded = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = 200
                try:
                    for record in body["Records"]:
                        request = urllib.request.Request(
                            target, data=json.dumps(eventbridge(record)).encode(), method="POST",
                            headers={"Content-Type": "application/json"})
                        urllib.request.urlopen(request, timeout=10).close()
                        outer.forwarded += 1
                except OSError:
                    status = 503  # the run's webhook is not up yet: serve retries
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class EventBridgeDeliveries(unittest.TestCase):
    def test_eventbridge_events_are_matched_like_s3_records(self):
        hook = harness.free_port()
        relay = Relay("http://127.0.0.1:%d/" % hook)
        serve = harness.EmbeddedServer("--notify", relay.url)
        try:
            with tempfile.TemporaryDirectory() as d:
                path = harness.write_scenario(d, SCENARIO.format(endpoint=serve.endpoint, hook=hook))
                report_path = os.path.join(d, "report.json")
                result = harness.run_s3storm(["run", path, "--json", report_path])
                with open(report_path, encoding="utf-8") as f:
                    events = json.load(f)["events"]
        finally:
            serve.stop()
            relay.close()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(relay.forwarded, 120)
        for name in ("ObjectCreated:Put", "ObjectCreated:Copy", "ObjectCreated:Post",
                     "ObjectRemoved:Delete"):
            counts = events["by_type"][name]
            self.assertEqual((counts["expected"], counts["delivered"], counts["mismatched"]),
                             (30, 30, 0), name)
        self.assertEqual(events["receiver_rejects"], {})


if __name__ == "__main__":
    unittest.main()
