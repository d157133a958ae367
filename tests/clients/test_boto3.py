"""The seed walkthrough with boto3 as a user sets it up, with no signature configuration
(Debian's boto3: SigV4 for requests, SigV2 for presigned POSTs and URLs), against
`s3storm serve --notify`: put, copy, get, head, list, delete, the presigned POST, a multipart
upload through upload_file, a presigned GET and delete_objects. The events are asserted exactly,
in the target's order."""

import hashlib
import unittest
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig

from clients_support import (ACCESS_KEY, MiB, ODD_KEY, SECRET_KEY, SEED_TEXT, ClientTestCase,
                             created, removed)

from target_harness import multipart_form  # noqa: E402  (clients_support put it on the path)

BUCKET = "test-bucket"
COPY_KEY = "copy \u4e2d test.txt"
POST_KEY = "seed/post + plus.txt"
MULTIPART_KEY = "bigfile.bin"


class Boto3(ClientTestCase):
    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def test_seed_walkthrough_without_signature_config(self):
        s3 = self.client()
        s3.create_bucket(Bucket=BUCKET)
        md5 = hashlib.md5(SEED_TEXT).hexdigest()
        put = s3.put_object(Bucket=BUCKET, Key=ODD_KEY, Body=SEED_TEXT)
        self.assertEqual(put["ETag"], '"%s"' % md5)
        self.assert_events([created("Put", ODD_KEY, len(SEED_TEXT))])

        copy = s3.copy_object(Bucket=BUCKET, Key=COPY_KEY,
                              CopySource={"Bucket": BUCKET, "Key": ODD_KEY})
        self.assertEqual(copy["CopyObjectResult"]["ETag"], '"%s"' % md5)
        self.assert_events([created("Copy", COPY_KEY, len(SEED_TEXT))])

        self.assertEqual(s3.get_object(Bucket=BUCKET, Key=ODD_KEY)["Body"].read(), SEED_TEXT)
        head = s3.head_object(Bucket=BUCKET, Key=COPY_KEY)
        self.assertEqual((head["ContentLength"], head["ETag"]), (len(SEED_TEXT), '"%s"' % md5))
        listed = s3.list_objects_v2(Bucket=BUCKET)
        self.assertEqual(sorted((o["Key"], o["Size"]) for o in listed["Contents"]),
                         sorted([(ODD_KEY, len(SEED_TEXT)), (COPY_KEY, len(SEED_TEXT))]))

        s3.delete_object(Bucket=BUCKET, Key=COPY_KEY)
        self.assert_events([removed("Delete", COPY_KEY)])

        # boto3's default presigned POST is signed with SigV2.
        post_body = b"posted through a browser form"
        presigned = s3.generate_presigned_post(BUCKET, POST_KEY, ExpiresIn=300)
        self.assertIn("AWSAccessKeyId", presigned["fields"])
        form, content_type = multipart_form(presigned["fields"], "post.txt", post_body)
        request = urllib.request.Request(presigned["url"], data=form, method="POST",
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request) as response:
            self.assertEqual(response.status, 204)
        self.assert_events([created("Post", POST_KEY, len(post_body))])

        big = self.file("big.bin", 5 * MiB + 1234)
        s3.upload_file(big, BUCKET, MULTIPART_KEY,
                       Config=TransferConfig(multipart_threshold=5 * MiB,
                                             multipart_chunksize=5 * MiB, use_threads=False))
        self.assert_events([created("CompleteMultipartUpload", MULTIPART_KEY, 5 * MiB + 1234)])
        head = s3.head_object(Bucket=BUCKET, Key=MULTIPART_KEY)
        self.assertTrue(head["ETag"].endswith('-2"'), head["ETag"])

        # boto3's default presigned GET URL is signed with SigV2 too.
        url = s3.generate_presigned_url("get_object", ExpiresIn=60,
                                        Params={"Bucket": BUCKET, "Key": POST_KEY})
        self.assertIn("AWSAccessKeyId=", url)
        with urllib.request.urlopen(url) as response:
            self.assertEqual(response.read(), post_body)

        deleted = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [
            {"Key": ODD_KEY}, {"Key": POST_KEY}, {"Key": MULTIPART_KEY}]})
        self.assertEqual(sorted(d["Key"] for d in deleted["Deleted"]),
                         sorted([ODD_KEY, POST_KEY, MULTIPART_KEY]))
        self.assert_events([removed("Delete", key) for key in (ODD_KEY, POST_KEY, MULTIPART_KEY)])
        self.assertNotIn("Contents", s3.list_objects_v2(Bucket=BUCKET))


if __name__ == "__main__":
    unittest.main()
