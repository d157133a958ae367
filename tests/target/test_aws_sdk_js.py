"""The AWS SDK for JavaScript v3 (pinned in tests/node) against `s3storm serve --notify`: a stream
upload (aws-chunked, trailing CRC32), buffer uploads with every ChecksumAlgorithm and a
lib-storage multipart upload with CRC32 part checksums all succeed and read back with the same
checksum (tests/node/aws_sdk_checksums.js); the webhook gets each ObjectCreated event with the
decoded size."""

import json
import os
import subprocess
import time
import unittest

from target_harness import ACCESS_KEY, SECRET_KEY, Serve, Webhook

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node")
BUCKET = "sdk-js"


class AwsSdkJs(unittest.TestCase):
    def test_stream_buffer_and_multipart_uploads_with_checksums(self):
        webhook = Webhook()
        serve = Serve("--notify", webhook.url)
        try:
            serve.client().create_bucket(Bucket=BUCKET)
            run = subprocess.run(
                ["node", os.path.join(NODE_DIR, "aws_sdk_checksums.js"), serve.endpoint, BUCKET,
                 ACCESS_KEY, SECRET_KEY],
                capture_output=True, text=True, timeout=120)
            self.assertEqual(run.returncode, 0, run.stderr)
            result = json.loads(run.stdout.strip().splitlines()[-1])

            # The stream really went aws-chunked, with the SDK's trailing CRC32.
            self.assertEqual(result["stream_headers"]["content-encoding"], "aws-chunked")
            self.assertTrue(result["stream_headers"]["x-amz-content-sha256"].startswith(
                "STREAMING-"))
            self.assertEqual(result["stream_headers"]["x-amz-trailer"], "x-amz-checksum-crc32")
            self.assertEqual(len(result["objects"]), 6)
            self.assertTrue(result["multipart"]["crc32"].endswith("-3"))
            self.assertEqual(result["multipart"]["type"], "COMPOSITE")

            expected = {(o["key"], "ObjectCreated:Put"): o["size"] for o in result["objects"]}
            expected[(result["multipart"]["key"], "ObjectCreated:CompleteMultipartUpload")] = \
                result["multipart"]["size"]
            deadline = time.time() + 10
            while time.time() < deadline and len(webhook.records()) < len(expected):
                time.sleep(0.05)
            time.sleep(0.3)
            seen = {(r["s3"]["object"]["key"].replace("%2F", "/"), r["eventName"]):
                    r["s3"]["object"]["size"] for r in webhook.records()}
            self.assertEqual(seen, expected)
        finally:
            code, stderr = serve.stop()
            webhook.close()
        self.assertEqual(code, 0, stderr)
        self.assertNotIn(SECRET_KEY, stderr)


if __name__ == "__main__":
    unittest.main()
