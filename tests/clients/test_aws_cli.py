"""The seed walkthrough with the aws CLI (Debian's awscli) against `s3storm serve --notify`:
mb, cp (put), server-side copy, get, head, ls, rm, the seed's s3api multipart upload and an
`s3 cp` large enough to go multipart, `rm --recursive`; then object tagging,
object ACLs, bucket versioning with a versioned put and deletes, and delete-objects. Each step's
events are asserted exactly."""

import json
import os
import subprocess
import unittest

from clients_support import (ACCESS_KEY, MiB, ODD_KEY, SECRET_KEY, SEED_TEXT, ClientTestCase,
                             created, removed, tagging)

SESSION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws_session.py")


class AwsCli(ClientTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # /usr/bin/aws is `awscli.clidriver.main()` under /usr/bin/python3: the session runs the
        # same driver, one command a line, without paying the start-up each time.
        env = {"PATH": "/usr/bin:/bin", "HOME": cls.tmp, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
               "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_CONFIG_FILE": os.path.join(cls.tmp, "no-config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(cls.tmp, "no-credentials"),
               "AWS_PAGER": "", "LC_ALL": "C.UTF-8"}
        cls.session = subprocess.Popen(["/usr/bin/python3", SESSION], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, env=env)

    @classmethod
    def tearDownClass(cls):
        cls.session.stdin.close()
        cls.session.wait(timeout=30)
        super().tearDownClass()

    def aws(self, *args):
        command = ["--endpoint-url", self.endpoint, "--output", "json", *args]
        self.session.stdin.write(json.dumps(command) + "\n")
        self.session.stdin.flush()
        answer = json.loads(self.session.stdout.readline())
        self.assertEqual(answer["rc"], 0, "aws %s:\n%s%s" % (" ".join(args), answer["stdout"],
                                                             answer["stderr"]))
        out = answer["stdout"]
        return json.loads(out) if out.strip().startswith("{") else out

    def test_1_seed_walkthrough(self):
        seed = self.file("test.txt", content=SEED_TEXT)
        self.aws("s3", "mb", "s3://test-bucket")
        self.aws("s3", "cp", seed, "s3://test-bucket/" + ODD_KEY)
        self.assert_events([created("Put", ODD_KEY, len(SEED_TEXT))])

        self.aws("s3", "cp", "s3://test-bucket/" + ODD_KEY, "s3://test-bucket/copy_test.txt")
        self.assert_events([created("Copy", "copy_test.txt", len(SEED_TEXT))])

        fetched = os.path.join(self.tmp, "fetched.txt")
        self.aws("s3", "cp", "s3://test-bucket/" + ODD_KEY, fetched)
        with open(fetched, "rb") as got:
            self.assertEqual(got.read(), SEED_TEXT)
        head = self.aws("s3api", "head-object", "--bucket", "test-bucket", "--key", ODD_KEY)
        self.assertEqual(head["ContentLength"], len(SEED_TEXT))
        listing = self.aws("s3", "ls", "--recursive", "s3://test-bucket")
        self.assertIn(ODD_KEY, listing)
        self.assertIn("copy_test.txt", listing)

        self.aws("s3", "rm", "s3://test-bucket/copy_test.txt")
        self.assert_events([removed("Delete", "copy_test.txt")])

        # The seed's multipart upload, part by part.
        part1 = self.file("part1", 5 * MiB)
        part2 = self.file("part2", 1234)
        upload = self.aws("s3api", "create-multipart-upload", "--bucket", "test-bucket",
                          "--key", "bigfile.bin")["UploadId"]
        etags = [self.aws("s3api", "upload-part", "--bucket", "test-bucket", "--key",
                          "bigfile.bin", "--part-number", str(n), "--body", body,
                          "--upload-id", upload)["ETag"]
                 for n, body in ((1, part1), (2, part2))]
        parts = {"Parts": [{"ETag": etag, "PartNumber": n + 1} for n, etag in enumerate(etags)]}
        done = self.aws("s3api", "complete-multipart-upload", "--bucket", "test-bucket", "--key",
                        "bigfile.bin", "--upload-id", upload, "--multipart-upload",
                        json.dumps(parts))
        self.assertTrue(done["ETag"].endswith('-2"'), done)
        self.assert_events([created("CompleteMultipartUpload", "bigfile.bin", 5 * MiB + 1234)])

        # `s3 cp` goes multipart above 8 MiB.
        big = self.file("big.bin", 9 * MiB)
        self.aws("s3", "cp", big, "s3://test-bucket/big.bin")
        self.assert_events([created("CompleteMultipartUpload", "big.bin", 9 * MiB)])
        head = self.aws("s3api", "head-object", "--bucket", "test-bucket", "--key", "big.bin")
        self.assertEqual(head["ContentLength"], 9 * MiB)

        # The seed's clean-up (one DeleteObject per key, several at once).
        self.aws("s3", "rm", "s3://test-bucket", "--recursive")
        self.assert_events([removed("Delete", key) for key in ("big.bin", "bigfile.bin", ODD_KEY)],
                           ordered=False)
        self.assertEqual(self.aws("s3", "ls", "--recursive", "s3://test-bucket"), "")

    def test_2_tagging_and_acl(self):
        seed = self.file("tagged.txt", content=SEED_TEXT)
        self.aws("s3", "mb", "s3://tags")
        self.aws("s3api", "put-object", "--bucket", "tags", "--key", ODD_KEY, "--body", seed,
                 "--tagging", "team=storm&stage=test%201")
        self.assert_events([created("Put", ODD_KEY, len(SEED_TEXT))])
        head = self.aws("s3api", "get-object", "--bucket", "tags", "--key", ODD_KEY,
                        os.path.join(self.tmp, "out"))
        self.assertEqual(head["TagCount"], 2)
        got = self.aws("s3api", "get-object-tagging", "--bucket", "tags", "--key", ODD_KEY)
        self.assertEqual(got["TagSet"], [{"Key": "team", "Value": "storm"},
                                         {"Key": "stage", "Value": "test 1"}])

        self.aws("s3api", "put-object-tagging", "--bucket", "tags", "--key", ODD_KEY,
                 "--tagging", json.dumps({"TagSet": [{"Key": "only", "Value": "one"}]}))
        self.assert_events([tagging("Put", ODD_KEY)])
        got = self.aws("s3api", "get-object-tagging", "--bucket", "tags", "--key", ODD_KEY)
        self.assertEqual(got["TagSet"], [{"Key": "only", "Value": "one"}])

        # This deleted the object before the dispatch table; now it deletes the tags only.
        self.aws("s3api", "delete-object-tagging", "--bucket", "tags", "--key", ODD_KEY)
        self.assert_events([tagging("Delete", ODD_KEY)])
        self.assertEqual(self.aws("s3api", "get-object-tagging", "--bucket", "tags", "--key",
                                  ODD_KEY)["TagSet"], [])
        head = self.aws("s3api", "head-object", "--bucket", "tags", "--key", ODD_KEY)
        self.assertEqual(head["ContentLength"], len(SEED_TEXT))
        self.assertNotIn("TagCount", head)

        acl = self.aws("s3api", "get-object-acl", "--bucket", "tags", "--key", ODD_KEY)
        self.assertEqual([g["Permission"] for g in acl["Grants"]], ["FULL_CONTROL"])

    def test_3_versioning_and_delete_objects(self):
        body = self.file("v.txt", content=b"version one")
        self.aws("s3", "mb", "s3://versioned")
        self.assertNotIn("Status", self.aws("s3api", "get-bucket-versioning", "--bucket",
                                            "versioned") or {})
        self.aws("s3api", "put-bucket-versioning", "--bucket", "versioned",
                 "--versioning-configuration", "Status=Enabled")
        self.assertEqual(self.aws("s3api", "get-bucket-versioning", "--bucket",
                                  "versioned")["Status"], "Enabled")

        first = self.aws("s3api", "put-object", "--bucket", "versioned", "--key", ODD_KEY,
                         "--body", body)["VersionId"]
        second = self.aws("s3api", "put-object", "--bucket", "versioned", "--key", ODD_KEY,
                          "--body", body)["VersionId"]
        self.assertNotEqual(first, second)
        self.assert_events([created("Put", ODD_KEY, 11, first), created("Put", ODD_KEY, 11, second)])

        marker = self.aws("s3api", "delete-object", "--bucket", "versioned", "--key", ODD_KEY)
        self.assertTrue(marker["DeleteMarker"])
        self.assert_events([removed("DeleteMarkerCreated", ODD_KEY, marker["VersionId"])])

        versions = self.aws("s3api", "list-object-versions", "--bucket", "versioned")
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in versions["Versions"]],
                         [(second, False), (first, False)])
        self.assertEqual([(m["Key"], m["VersionId"], m["IsLatest"])
                          for m in versions["DeleteMarkers"]],
                         [(ODD_KEY, marker["VersionId"], True)])

        old = self.aws("s3api", "get-object", "--bucket", "versioned", "--key", ODD_KEY,
                       "--version-id", first, os.path.join(self.tmp, "old"))
        self.assertEqual(old["VersionId"], first)
        gone = self.aws("s3api", "delete-object", "--bucket", "versioned", "--key", ODD_KEY,
                        "--version-id", first)
        self.assertEqual(gone["VersionId"], first)
        self.assert_events([removed("Delete", ODD_KEY, first)])

        # delete-objects: the marker and the last version by id, and a plain key (a new marker).
        deleted = self.aws("s3api", "delete-objects", "--bucket", "versioned", "--delete",
                           json.dumps({"Objects": [
                               {"Key": ODD_KEY, "VersionId": marker["VersionId"]},
                               {"Key": ODD_KEY, "VersionId": second},
                               {"Key": "never-written"}]}))
        self.assertEqual(len(deleted["Deleted"]), 3, deleted)
        self.assertNotIn("Errors", deleted)
        new_marker = [d for d in deleted["Deleted"] if d["Key"] == "never-written"][0]
        self.assertTrue(new_marker["DeleteMarker"])
        self.assert_events([removed("Delete", ODD_KEY, marker["VersionId"]),
                            removed("Delete", ODD_KEY, second),
                            removed("DeleteMarkerCreated", "never-written",
                                    new_marker["DeleteMarkerVersionId"])])
        versions = self.aws("s3api", "list-object-versions", "--bucket", "versioned")
        self.assertNotIn("Versions", versions)
        self.assertEqual([m["Key"] for m in versions["DeleteMarkers"]], ["never-written"])


if __name__ == "__main__":
    unittest.main()
