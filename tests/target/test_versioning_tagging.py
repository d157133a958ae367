"""Object tagging, bucket versioning and DeleteObjects against `s3storm serve --notify`, with
boto3 (SigV4): S3's answers, its limits and errors, and the events with their versionIds. The
real-client suite (tests/clients) runs the same operations from the aws CLI."""

import base64
import hashlib
import http.client
import zlib
import unittest

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from target_harness import ACCESS_KEY, SECRET_KEY, Serve, Webhook


def code(caught):
    return caught.exception.response["Error"]["Code"]


class VersioningTaggingDeleteObjects(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.webhook = Webhook()
        cls.serve = Serve("--notify", cls.webhook.url)
        cls.s3 = cls.serve.client()
        cls.seen = 0

    @classmethod
    def tearDownClass(cls):
        code_, stderr = cls.serve.stop()
        cls.webhook.close()
        assert code_ == 0, stderr

    def events(self, count):
        """The next `count` events, in the target's order, as (name, key, size, versionId)."""
        records = self.webhook.wait_for(self.seen + count)
        fresh = sorted(records[self.seen:], key=lambda r: r["s3"]["object"]["sequencer"])
        type(self).seen = len(records)
        self.assertEqual(len(fresh), count, [r["eventName"] for r in fresh])
        return [(r["eventName"], r["s3"]["object"]["key"], r["s3"]["object"].get("size"),
                 r["s3"]["object"].get("versionId")) for r in fresh]

    def raw(self, method, path, query, body, headers):
        url = "%s%s?%s" % (self.serve.endpoint, path, query)
        request = AWSRequest(method=method, url=url, data=body, headers={
            "x-amz-content-sha256": hashlib.sha256(body).hexdigest(), **headers})
        S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
        connection = http.client.HTTPConnection("127.0.0.1", self.serve.port, timeout=10)
        connection.request(method, path + "?" + query, body=body,
                           headers=dict(request.headers.items()))
        response = connection.getresponse()
        result = response.status, response.read()
        connection.close()
        return result

    def test_tagging(self):
        s3 = self.s3
        s3.create_bucket(Bucket="tagging")
        s3.put_object(Bucket="tagging", Key="t", Body=b"12345", Tagging="a=1&b=two%20words")
        self.assertEqual(self.events(1), [("ObjectCreated:Put", "t", 5, None)])
        self.assertEqual(s3.head_object(Bucket="tagging", Key="t")["ResponseMetadata"]
                         ["HTTPHeaders"]["x-amz-tagging-count"], "2")
        self.assertEqual(s3.get_object_tagging(Bucket="tagging", Key="t")["TagSet"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}])

        # Copies keep the tags, unless the directive replaces them.
        s3.copy_object(Bucket="tagging", Key="kept", CopySource="tagging/t")
        s3.copy_object(Bucket="tagging", Key="replaced", CopySource="tagging/t",
                       TaggingDirective="REPLACE", Tagging="c=3")
        self.assertEqual(len(s3.get_object_tagging(Bucket="tagging", Key="kept")["TagSet"]), 2)
        self.assertEqual(s3.get_object_tagging(Bucket="tagging", Key="replaced")["TagSet"],
                         [{"Key": "c", "Value": "3"}])
        self.events(2)

        s3.put_object_tagging(Bucket="tagging", Key="t",
                              Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        s3.delete_object_tagging(Bucket="tagging", Key="t")
        events = self.webhook.wait_for(self.seen + 2)[self.seen:]
        self.assertEqual([(e["eventName"], e["eventVersion"], e["s3"]["object"].get("eTag"),
                           "size" in e["s3"]["object"]) for e in events],
                         [("ObjectTagging:Put", "2.3", "827ccb0eea8a706c4c34a16891f84e7b", False),
                          ("ObjectTagging:Delete", "2.3", "827ccb0eea8a706c4c34a16891f84e7b",
                           False)])
        type(self).seen += 2
        self.assertNotIn("x-amz-tagging-count", s3.head_object(Bucket="tagging", Key="t")
                         ["ResponseMetadata"]["HTTPHeaders"])
        self.assertEqual(s3.get_object(Bucket="tagging", Key="t")["Body"].read(), b"12345")

        # S3's limits; nothing is stored and no event is sent.
        too_many = [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]
        for tags in (too_many, [{"Key": "k" * 129, "Value": "v"}],
                     [{"Key": "k", "Value": "v" * 257}],
                     [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]):
            with self.assertRaises(ClientError) as caught:
                s3.put_object_tagging(Bucket="tagging", Key="t", Tagging={"TagSet": tags})
            self.assertEqual(code(caught), "InvalidTag")
        with self.assertRaises(ClientError) as caught:
            s3.put_object(Bucket="tagging", Key="refused", Body=b"x",
                          Tagging="&".join("k%d=v" % i for i in range(11)))
        self.assertEqual(code(caught), "InvalidTag")
        with self.assertRaises(ClientError) as caught:
            s3.get_object_tagging(Bucket="tagging", Key="refused")
        self.assertEqual(code(caught), "NoSuchKey")
        self.assertEqual(s3.get_object_tagging(Bucket="tagging", Key="t")["TagSet"], [])

    def test_versioning(self):
        s3 = self.s3
        s3.create_bucket(Bucket="versions")
        s3.put_object(Bucket="versions", Key="k", Body=b"before")  # the null version
        self.assertNotIn("Status", s3.get_bucket_versioning(Bucket="versions"))
        self.assertEqual(self.events(1), [("ObjectCreated:Put", "k", 6, None)])
        s3.put_bucket_versioning(Bucket="versions",
                                 VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(s3.get_bucket_versioning(Bucket="versions")["Status"], "Enabled")

        v1 = s3.put_object(Bucket="versions", Key="k", Body=b"one")["VersionId"]
        v2 = s3.copy_object(Bucket="versions", Key="k", CopySource={
            "Bucket": "versions", "Key": "k", "VersionId": "null"})["VersionId"]
        marker = s3.delete_object(Bucket="versions", Key="k")
        self.assertTrue(marker["DeleteMarker"])
        self.assertEqual(self.events(3), [("ObjectCreated:Put", "k", 3, v1),
                                          ("ObjectCreated:Copy", "k", 6, v2),
                                          ("ObjectRemoved:DeleteMarkerCreated", "k", None,
                                           marker["VersionId"])])
        with self.assertRaises(ClientError) as caught:
            s3.get_object(Bucket="versions", Key="k")
        self.assertEqual(code(caught), "NoSuchKey")
        with self.assertRaises(ClientError) as caught:
            s3.head_object(Bucket="versions", Key="k", VersionId=marker["VersionId"])
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 405)
        self.assertEqual(s3.get_object(Bucket="versions", Key="k", VersionId=v1)["Body"].read(),
                         b"one")
        self.assertEqual(s3.get_object(Bucket="versions", Key="k", VersionId="null")["Body"]
                         .read(), b"before")
        with self.assertRaises(ClientError) as caught:
            s3.get_object(Bucket="versions", Key="k", VersionId="00000000000000FF")
        self.assertEqual(code(caught), "NoSuchVersion")

        listed = s3.list_object_versions(Bucket="versions")
        self.assertEqual([v["VersionId"] for v in listed["Versions"]], [v2, v1, "null"])
        self.assertEqual([m["VersionId"] for m in listed["DeleteMarkers"]], [marker["VersionId"]])
        # Paged two at a time by key and version markers.
        page = s3.list_object_versions(Bucket="versions", MaxKeys=2)
        self.assertTrue(page["IsTruncated"])
        rest = s3.list_object_versions(Bucket="versions", KeyMarker=page["NextKeyMarker"],
                                       VersionIdMarker=page["NextVersionIdMarker"])
        self.assertEqual([v["VersionId"] for v in rest["Versions"]], [v1, "null"])

        # Removing the marker by id brings the newest version back.
        s3.delete_object(Bucket="versions", Key="k", VersionId=marker["VersionId"])
        self.assertEqual(s3.get_object(Bucket="versions", Key="k")["VersionId"], v2)
        self.assertEqual(self.events(1), [("ObjectRemoved:Delete", "k", None,
                                           marker["VersionId"])])
        with self.assertRaises(ClientError) as caught:
            s3.delete_bucket(Bucket="versions")
        self.assertEqual(code(caught), "BucketNotEmpty")

        # Suspended: the null version is written again, and replaced.
        s3.put_bucket_versioning(Bucket="versions",
                                 VersioningConfiguration={"Status": "Suspended"})
        s3.put_object(Bucket="versions", Key="k", Body=b"null again")
        self.assertEqual(s3.get_object(Bucket="versions", Key="k", VersionId="null")["Body"]
                         .read(), b"null again")
        self.assertEqual(len(s3.list_object_versions(Bucket="versions")["Versions"]), 3)
        self.events(1)

    def test_delete_objects(self):
        s3 = self.s3
        s3.create_bucket(Bucket="batch")
        for key in ("a", "b c", "d\u00e9"):
            s3.put_object(Bucket="batch", Key=key, Body=b"x")
        self.events(3)
        result = s3.delete_objects(Bucket="batch", Delete={"Objects": [
            {"Key": "a"}, {"Key": "b c"}, {"Key": "d\u00e9"}, {"Key": "never"},
            {"Key": "a", "VersionId": "bad-id"}]})
        self.assertEqual(sorted(d["Key"] for d in result["Deleted"]),
                         ["a", "b c", "d\u00e9", "never"])
        self.assertEqual([(e["Key"], e["Code"]) for e in result["Errors"]],
                         [("a", "InvalidArgument")])
        self.assertEqual(self.events(4), [("ObjectRemoved:Delete", "a", None, None),
                                          ("ObjectRemoved:Delete", "b+c", None, None),
                                          ("ObjectRemoved:Delete", "d%C3%A9", None, None),
                                          ("ObjectRemoved:Delete", "never", None, None)])
        self.assertEqual(s3.list_objects_v2(Bucket="batch")["KeyCount"], 0)

        s3.put_object(Bucket="batch", Key="kept", Body=b"x")
        self.events(1)
        body = b"<Delete><Object><Key>kept</Key></Object></Delete>"
        # S3 requires Content-MD5 (or a checksum) on DeleteObjects.
        status, answer = self.raw("POST", "/batch", "delete", body, {})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidRequest</Code>", answer)
        too_many = b"<Delete>" + b"".join(b"<Object><Key>k%d</Key></Object>" % i
                                          for i in range(1001)) + b"</Delete>"
        md5 = base64.b64encode(hashlib.md5(too_many).digest()).decode()
        status, answer = self.raw("POST", "/batch", "delete", too_many, {"Content-MD5": md5})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>MalformedXML</Code>", answer)
        self.assertEqual(s3.list_objects_v2(Bucket="batch")["KeyCount"], 1)
        # Quiet: only errors are listed.
        quiet = s3.delete_objects(Bucket="batch", Delete={"Quiet": True,
                                                           "Objects": [{"Key": "kept"}]})
        self.assertNotIn("Deleted", quiet)
        self.assertEqual(self.events(1), [("ObjectRemoved:Delete", "kept", None, None)])

        # On a versioned bucket: markers, and versions removed by id.
        s3.create_bucket(Bucket="batch-versions")
        s3.put_bucket_versioning(Bucket="batch-versions",
                                 VersioningConfiguration={"Status": "Enabled"})
        version = s3.put_object(Bucket="batch-versions", Key="v", Body=b"x")["VersionId"]
        self.events(1)
        result = s3.delete_objects(Bucket="batch-versions", Delete={"Objects": [
            {"Key": "v"}, {"Key": "v", "VersionId": version}]})
        deleted = {d.get("VersionId", ""): d for d in result["Deleted"]}
        marker = deleted[""]
        self.assertTrue(marker["DeleteMarker"])
        self.assertEqual(self.events(2), [
            ("ObjectRemoved:DeleteMarkerCreated", "v", None, marker["DeleteMarkerVersionId"]),
            ("ObjectRemoved:Delete", "v", None, version)])

    def test_delete_marker_and_null_version_headers(self):
        s3 = self.s3
        s3.create_bucket(Bucket="headers")
        s3.put_object(Bucket="headers", Key="old", Body=b"from before versioning")
        s3.put_bucket_versioning(Bucket="headers",
                                 VersioningConfiguration={"Status": "Enabled"})
        # The version written before versioning is the "null" version, and S3 says so.
        for read in (s3.get_object, s3.head_object):
            self.assertEqual(read(Bucket="headers", Key="old")["VersionId"], "null", read)
        self.assertEqual(s3.get_object(Bucket="headers", Key="old", VersionId="null")
                         ["VersionId"], "null")
        # Tagging names it as well, with or without ?versionId=null.
        tags = {"TagSet": [{"Key": "t", "Value": "1"}]}
        self.assertEqual(s3.put_object_tagging(Bucket="headers", Key="old", Tagging=tags)
                         ["VersionId"], "null")
        self.assertEqual(s3.get_object_tagging(Bucket="headers", Key="old")["VersionId"], "null")
        self.assertEqual(s3.delete_object_tagging(Bucket="headers", Key="old",
                                                  VersionId="null")["VersionId"], "null")

        self.assertEqual([(name, version) for name, _, _, version in self.events(3)],
                         [("ObjectCreated:Put", None), ("ObjectTagging:Put", None),
                          ("ObjectTagging:Delete", "null")])

        s3.put_object(Bucket="headers", Key="gone", Body=b"x")
        marker = s3.delete_object(Bucket="headers", Key="gone")["VersionId"]
        self.events(2)
        # A 404 on a key whose latest version is a delete marker says so, and names the marker.
        for read in (s3.get_object, s3.head_object):
            with self.assertRaises(ClientError) as caught:
                read(Bucket="headers", Key="gone")
            headers = caught.exception.response["ResponseMetadata"]["HTTPHeaders"]
            self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
            self.assertEqual((headers.get("x-amz-delete-marker"), headers.get("x-amz-version-id")),
                             ("true", marker), read)
        # A key that never existed: a plain 404.
        with self.assertRaises(ClientError) as caught:
            s3.head_object(Bucket="headers", Key="never")
        headers = caught.exception.response["ResponseMetadata"]["HTTPHeaders"]
        self.assertNotIn("x-amz-delete-marker", headers)
        # An unversioned bucket still names no version.
        s3.create_bucket(Bucket="plain")
        s3.put_object(Bucket="plain", Key="k", Body=b"x")
        self.events(1)
        self.assertNotIn("VersionId", s3.head_object(Bucket="plain", Key="k"))

    def test_bodies_of_other_operations_are_held_to_their_checksums(self):
        # Current SDKs send a CRC32 (or Content-MD5) on PutObjectTagging, DeleteObjects,
        # PutBucketVersioning and the other configuration bodies: a wrong one is BadDigest and
        # changes nothing, as on S3.
        s3 = self.s3
        s3.create_bucket(Bucket="sums")
        s3.put_object(Bucket="sums", Key="k", Body=b"x")
        self.events(1)

        def crc32(body):
            return base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()

        tags = b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"
        status, answer = self.raw("PUT", "/sums/k", "tagging", tags,
                                  {"x-amz-checksum-crc32": crc32(tags + b" ")})
        self.assertEqual(status, 400, answer)
        self.assertIn(b"<Code>BadDigest</Code>", answer)
        self.assertEqual(s3.get_object_tagging(Bucket="sums", Key="k")["TagSet"], [])
        status, answer = self.raw("PUT", "/sums/k", "tagging", tags,
                                  {"x-amz-checksum-crc32": crc32(tags),
                                   "x-amz-sdk-checksum-algorithm": "CRC32"})
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.events(1), [("ObjectTagging:Put", "k", None, None)])

        delete = b"<Delete><Object><Key>k</Key></Object></Delete>"
        status, answer = self.raw("POST", "/sums", "delete", delete,
                                  {"x-amz-checksum-crc32": crc32(b"<Delete></Delete>")})
        self.assertEqual(status, 400, answer)
        self.assertIn(b"<Code>BadDigest</Code>", answer)
        self.assertEqual(s3.list_objects_v2(Bucket="sums")["KeyCount"], 1)

        enabled = (b"<VersioningConfiguration><Status>Enabled</Status>"
                   b"</VersioningConfiguration>")
        status, answer = self.raw("PUT", "/sums", "versioning", enabled,
                                  {"Content-MD5": base64.b64encode(
                                      hashlib.md5(b"other").digest()).decode()})
        self.assertEqual(status, 400, answer)
        self.assertIn(b"<Code>BadDigest</Code>", answer)
        self.assertNotIn("Status", s3.get_bucket_versioning(Bucket="sums"))
        self.assertEqual(len(self.webhook.records()), self.seen)


if __name__ == "__main__":
    unittest.main()
