"""The seed walkthrough with the AWS SDK for JavaScript v3 (pinned in tests/node) and its default
checksums against `s3storm serve --notify` (tests/node/aws_sdk_walkthrough.js): a stream put
(aws-chunked with a trailing CRC32), copy, get and head (the CRC32 returned), list, delete, the
SDK's presigned POST, a multipart upload with part CRC32s, tagging and DeleteObjects. The events
are asserted exactly, in the target's order."""

import json
import os
import subprocess
import unittest

from clients_support import (ACCESS_KEY, MiB, ODD_KEY, SECRET_KEY, SEED_TEXT, ClientTestCase,
                             created, removed, tagging)

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node")
BUCKET = "test-bucket"
COPY_KEY = "copy \u4e2d test.txt"
POST_KEY = "seed/post + plus.txt"
MULTIPART_KEY = "bigfile.bin"


class AwsSdkJs(ClientTestCase):
    def test_seed_walkthrough_with_default_checksums(self):
        self.serve.client().create_bucket(Bucket=BUCKET)
        out = self.run_client(["node", os.path.join(NODE_DIR, "aws_sdk_walkthrough.js"),
                               self.endpoint, BUCKET, ACCESS_KEY, SECRET_KEY, ODD_KEY, COPY_KEY,
                               POST_KEY, MULTIPART_KEY])
        result = json.loads(out.decode().strip().splitlines()[-1])

        # The stream went aws-chunked with the SDK's default trailing CRC32; parts likewise.
        for step in ("put", "part1", "part2"):
            self.assertEqual(result["sent"][step]["content-encoding"], "aws-chunked", step)
            self.assertEqual(result["sent"][step]["x-amz-trailer"], "x-amz-checksum-crc32", step)
        # Bodies that are not object data carry the default CRC32 as a header.
        for step in ("tagging", "delete_objects"):
            self.assertTrue(result["sent"][step]["x-amz-checksum-crc32"], (step, result["sent"]))

        self.assertTrue(result["put"]["crc32"])
        self.assertEqual((result["head"]["size"], result["head"]["crc32"]),
                         (len(SEED_TEXT), result["put"]["crc32"]))
        self.assertEqual(sorted(result["listed"]),
                         sorted([[ODD_KEY, len(SEED_TEXT)], [COPY_KEY, len(SEED_TEXT)]]))
        size = 5 * MiB + 1234
        self.assertEqual(result["multipart"]["size"], size)
        # The upload was created without an algorithm (the SDK's default), so the parts' CRC32s
        # were checked on arrival but the object has no composite one.
        self.assertNotIn("crc32", result["multipart"])
        self.assertEqual(sorted(result["deleted"]), sorted([ODD_KEY, POST_KEY, MULTIPART_KEY]))
        self.assertEqual(result["left"], [])

        self.assert_events([
            created("Put", ODD_KEY, len(SEED_TEXT)),
            created("Copy", COPY_KEY, len(SEED_TEXT)),
            removed("Delete", COPY_KEY),
            created("Post", POST_KEY, result["post"]["size"]),
            created("CompleteMultipartUpload", MULTIPART_KEY, size),
            tagging("Put", ODD_KEY),
            removed("Delete", ODD_KEY),
            removed("Delete", POST_KEY),
            removed("Delete", MULTIPART_KEY),
        ])


if __name__ == "__main__":
    unittest.main()
