"""The seed's operations, done by boto3 against `s3storm serve --notify`: every call succeeds and
the webhook receives exactly the five events the seed shows, with the right keys, sizes, ETags."""

import hashlib
import os
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

from boto3.s3.transfer import TransferConfig

from target_harness import Serve, Webhook, multipart_form

MiB = 1024 * 1024


class Boto3Seed(unittest.TestCase):
    def setUp(self):
        self.webhook = Webhook()
        self.serve = Serve("--notify", self.webhook.url)
        self.s3 = self.serve.client()

    def tearDown(self):
        code, stderr = self.serve.stop()
        self.webhook.close()
        self.assertEqual(code, 0, stderr)
        self.assertNotIn("s3storm-secret", stderr)

    def test_seed_operations_and_their_five_events(self):
        s3 = self.s3
        bucket = "test-bucket"
        s3.create_bucket(Bucket=bucket)

        body = b"Hello from s3storm, 29 bytes!"
        self.assertEqual(len(body), 29)
        put_key = "seed/test file \u00e9 1.txt"
        put = s3.put_object(Bucket=bucket, Key=put_key, Body=body)
        md5 = hashlib.md5(body).hexdigest()
        self.assertEqual(put["ETag"], '"%s"' % md5)

        copy_key = "seed/copy \u4e2d 1.txt"
        copy = s3.copy_object(Bucket=bucket, Key=copy_key,
                              CopySource={"Bucket": bucket, "Key": put_key})
        self.assertEqual(copy["CopyObjectResult"]["ETag"], '"%s"' % md5)
        s3.delete_object(Bucket=bucket, Key=copy_key)

        post_key = "seed/post + plus 1.txt"
        post_body = b"posted through a browser form"
        presigned = s3.generate_presigned_post(bucket, post_key, ExpiresIn=300)
        form, content_type = multipart_form(presigned["fields"], "post.txt", post_body)
        request = urllib.request.Request(presigned["url"], data=form, method="POST",
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request) as response:
            self.assertEqual(response.status, 204)

        big_key = "seed/big 1.bin"
        part1, part2 = os.urandom(5 * MiB), os.urandom(1 * MiB)
        with tempfile.NamedTemporaryFile() as file:
            file.write(part1 + part2)
            file.flush()
            s3.upload_file(file.name, bucket, big_key,
                           Config=TransferConfig(multipart_threshold=5 * MiB,
                                                 multipart_chunksize=5 * MiB, use_threads=False))
        multipart_etag = "%s-2" % hashlib.md5(
            hashlib.md5(part1).digest() + hashlib.md5(part2).digest()).hexdigest()

        listed = s3.list_objects_v2(Bucket=bucket, Prefix="seed/")
        self.assertEqual(sorted(o["Key"] for o in listed["Contents"]),
                         sorted([put_key, post_key, big_key]))
        sizes = {o["Key"]: o["Size"] for o in listed["Contents"]}
        self.assertEqual(sizes[big_key], 6 * MiB)

        records = self.webhook.wait_for(5)
        time.sleep(0.3)  # anything extra would show up now
        records = self.webhook.records()
        self.assertEqual(len(records), 5, records)
        for record in records:
            self.assertEqual(record["eventVersion"], "2.1")
            self.assertEqual(record["eventSource"], "aws:s3")
            self.assertEqual(record["s3"]["bucket"]["name"], bucket)
            self.assertRegex(record["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertRegex(record["s3"]["object"]["sequencer"], r"^[0-9A-F]+$")
        seen = {(r["eventName"], urllib.parse.unquote_plus(r["s3"]["object"]["key"])):
                r["s3"]["object"] for r in records}
        expected = {
            ("ObjectCreated:Put", put_key): (29, md5),
            ("ObjectCreated:Copy", copy_key): (29, md5),
            ("ObjectRemoved:Delete", copy_key): None,
            ("ObjectCreated:Post", post_key): (len(post_body), hashlib.md5(post_body).hexdigest()),
            ("ObjectCreated:CompleteMultipartUpload", big_key): (6 * MiB, multipart_etag),
        }
        self.assertEqual(set(seen), set(expected))
        for name_and_key, size_and_etag in expected.items():
            obj = seen[name_and_key]
            if size_and_etag is None:
                self.assertNotIn("size", obj)
            else:
                self.assertEqual((obj["size"], obj["eTag"]), size_and_etag, name_and_key)
        # Keys are form-URL-encoded as AWS sends them: spaces as '+', '+' as %2B, UTF-8 as %XX.
        raw_keys = {r["s3"]["object"]["key"] for r in records}
        self.assertIn("seed/post+%2B+plus+1.txt", raw_keys)
        self.assertIn("seed/test+file+%C3%A9+1.txt", raw_keys)

    def test_reads_ranges_listing_and_presigned_get(self):
        s3 = self.s3
        s3.create_bucket(Bucket="reads")
        for key in ["a/1", "a/2", "a/b/3", "b", "c/x"]:
            s3.put_object(Bucket="reads", Key=key, Body=b"0123456789")
        got = s3.get_object(Bucket="reads", Key="b", Range="bytes=2-4")
        self.assertEqual(got["Body"].read(), b"234")
        self.assertEqual(got["ContentRange"], "bytes 2-4/10")
        head = s3.head_object(Bucket="reads", Key="a/1")
        self.assertEqual(head["ContentLength"], 10)

        page = s3.list_objects_v2(Bucket="reads", Delimiter="/")
        self.assertEqual([o["Key"] for o in page["Contents"]], ["b"])
        self.assertEqual([p["Prefix"] for p in page["CommonPrefixes"]], ["a/", "c/"])
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket="reads", PaginationConfig={"PageSize": 2}):
            keys += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(keys, ["a/1", "a/2", "a/b/3", "b", "c/x"])

        url = s3.generate_presigned_url("get_object", Params={"Bucket": "reads", "Key": "a/2"},
                                        ExpiresIn=60)
        with urllib.request.urlopen(url) as response:
            self.assertEqual(response.read(), b"0123456789")

        deleted = s3.delete_objects(Bucket="reads", Delete={"Objects": [{"Key": "a/1"},
                                                                       {"Key": "b"}]})
        self.assertEqual(sorted(d["Key"] for d in deleted["Deleted"]), ["a/1", "b"])
        buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        self.assertIn("reads", buckets)

    def test_notification_configuration_routes_events(self):
        s3 = self.s3
        s3.create_bucket(Bucket="routed")
        arn = "arn:aws:sqs:us-east-1:000000000000:events"
        s3.put_bucket_notification_configuration(Bucket="routed", NotificationConfiguration={
            "QueueConfigurations": [{"Id": "removals", "QueueArn": arn,
                                     "Events": ["s3:ObjectRemoved:*"]}]})
        config = s3.get_bucket_notification_configuration(Bucket="routed")
        self.assertEqual(config["QueueConfigurations"][0]["QueueArn"], arn)
        self.assertEqual(config["QueueConfigurations"][0]["Events"], ["s3:ObjectRemoved:*"])

        s3.put_object(Bucket="routed", Key="k", Body=b"x")  # not selected by the rule
        s3.delete_object(Bucket="routed", Key="k")
        records = self.webhook.wait_for(1)
        time.sleep(0.3)
        records = self.webhook.records()
        self.assertEqual([r["eventName"] for r in records], ["ObjectRemoved:Delete"])
        self.assertEqual(records[0]["s3"]["configurationId"], "removals")


if __name__ == "__main__":
    unittest.main()
