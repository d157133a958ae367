"""The seed walkthrough with s3cmd (Debian) against `s3storm serve --notify`: mb, put, cp
(server-side copy, which reads the object's ACL first), get, info, ls, del, and a multipart put
(5 MiB chunks). Each step's events are asserted exactly."""

import os
import unittest

from clients_support import (ACCESS_KEY, MiB, ODD_KEY, SECRET_KEY, SEED_TEXT, ClientTestCase,
                             created, removed)

S3CMD = "/usr/bin/s3cmd"


class S3cmd(ClientTestCase):
    def s3cmd(self, *args):
        config = os.path.join(self.tmp, "s3cfg")
        if not os.path.exists(config):
            host = self.endpoint.split("://", 1)[1]
            with open(config, "w") as out:
                out.write("[default]\naccess_key = %s\nsecret_key = %s\nhost_base = %s\n"
                          "host_bucket = %s\nuse_https = False\nsignature_v2 = False\n"
                          "bucket_location = us-east-1\n" % (ACCESS_KEY, SECRET_KEY, host, host))
        env = {"PATH": "/usr/bin:/bin", "HOME": self.tmp, "LANG": "C.UTF-8"}
        return self.run_client([S3CMD, "-c", config, "--no-progress", *args], env=env).decode()

    def test_seed_walkthrough(self):
        seed = self.file("test.txt", content=SEED_TEXT)
        self.s3cmd("mb", "s3://test-bucket")
        self.s3cmd("put", seed, "s3://test-bucket/" + ODD_KEY)
        self.assert_events([created("Put", ODD_KEY, len(SEED_TEXT))])

        # s3cmd cp reads the source's ACL first: it crashed on the object's body before.
        self.s3cmd("cp", "s3://test-bucket/" + ODD_KEY, "s3://test-bucket/copy_test.txt")
        self.assert_events([created("Copy", "copy_test.txt", len(SEED_TEXT))])

        fetched = os.path.join(self.tmp, "fetched.txt")
        self.s3cmd("get", "s3://test-bucket/" + ODD_KEY, fetched)
        with open(fetched, "rb") as got:
            self.assertEqual(got.read(), SEED_TEXT)
        info = self.s3cmd("info", "s3://test-bucket/copy_test.txt")
        self.assertIn("File size: %d" % len(SEED_TEXT), info)
        listing = self.s3cmd("ls", "--recursive", "s3://test-bucket")
        self.assertIn(ODD_KEY, listing)
        self.assertIn("copy_test.txt", listing)

        self.s3cmd("del", "s3://test-bucket/copy_test.txt")
        self.assert_events([removed("Delete", "copy_test.txt")])

        big = self.file("big.bin", 6 * MiB + 77)
        self.s3cmd("put", "--multipart-chunk-size-mb=5", big, "s3://test-bucket/big.bin")
        self.assert_events([created("CompleteMultipartUpload", "big.bin", 6 * MiB + 77)])
        info = self.s3cmd("info", "s3://test-bucket/big.bin")
        self.assertIn("File size: %d" % (6 * MiB + 77), info)

        self.s3cmd("del", "--recursive", "--force", "s3://test-bucket")
        self.assert_events([removed("Delete", key) for key in ("big.bin", ODD_KEY)],
                           ordered=False)
        self.assertEqual(self.s3cmd("ls", "--recursive", "s3://test-bucket").strip(), "")


if __name__ == "__main__":
    unittest.main()
