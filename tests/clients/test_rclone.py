"""The seed walkthrough with rclone (Debian) against `s3storm serve --notify`: mkdir, copyto
(put), a server-side copy, cat (get), lsl (list), check, deletefile, and a multipart copy
(5 MiB chunks). Each step's events are asserted exactly."""

import os
import unittest

from clients_support import (ACCESS_KEY, MiB, ODD_KEY, SECRET_KEY, SEED_TEXT, ClientTestCase,
                             created, removed)

RCLONE = "/usr/bin/rclone"


class Rclone(ClientTestCase):
    def rclone(self, *args):
        # No AWS_CA_BUNDLE: rclone 1.60 refuses to start with it set on a plain-HTTP remote.
        env = {"PATH": "/usr/bin:/bin", "HOME": self.tmp,
               "RCLONE_CONFIG": os.path.join(self.tmp, "rclone.conf"),
               "RCLONE_CONFIG_STORM_TYPE": "s3", "RCLONE_CONFIG_STORM_PROVIDER": "Other",
               "RCLONE_CONFIG_STORM_ENDPOINT": self.endpoint,
               "RCLONE_CONFIG_STORM_ACCESS_KEY_ID": ACCESS_KEY,
               "RCLONE_CONFIG_STORM_SECRET_ACCESS_KEY": SECRET_KEY,
               "RCLONE_CONFIG_STORM_REGION": "us-east-1"}
        return self.run_client([RCLONE, *args], env=env).decode()

    def test_seed_walkthrough(self):
        seed = self.file("test.txt", content=SEED_TEXT)
        self.rclone("mkdir", "storm:test-bucket")
        self.rclone("copyto", seed, "storm:test-bucket/" + ODD_KEY)
        self.assert_events([created("Put", ODD_KEY, len(SEED_TEXT))])

        self.rclone("copyto", "storm:test-bucket/" + ODD_KEY, "storm:test-bucket/copy_test.txt")
        self.assert_events([created("Copy", "copy_test.txt", len(SEED_TEXT))])

        self.assertEqual(self.rclone("cat", "storm:test-bucket/" + ODD_KEY).encode(), SEED_TEXT)
        listing = self.rclone("lsl", "storm:test-bucket")
        self.assertIn(ODD_KEY, listing)
        self.assertIn("copy_test.txt", listing)

        self.rclone("deletefile", "storm:test-bucket/copy_test.txt")
        self.assert_events([removed("Delete", "copy_test.txt")])

        os.makedirs(os.path.join(self.tmp, "upload"))
        big = self.file(os.path.join("upload", "big.bin"), 6 * MiB + 77)
        self.rclone("copyto", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", big,
                    "storm:test-bucket/big.bin")
        self.assert_events([created("CompleteMultipartUpload", "big.bin", 6 * MiB + 77)])
        # Sizes and the MD5 rclone keeps in the multipart object's metadata.
        self.rclone("check", "--one-way", os.path.dirname(big), "storm:test-bucket")
        self.assertIn("6291533 big.bin", self.rclone("ls", "storm:test-bucket"))

        self.rclone("purge", "storm:test-bucket")
        self.assert_events([removed("Delete", key) for key in ("big.bin", ODD_KEY)],
                           ordered=False)


if __name__ == "__main__":
    unittest.main()
