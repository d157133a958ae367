"""Every subresource of the S3 API reference, on every method, against `s3storm serve`: what the
target does not implement is refused (501 NotImplemented, or 405 where S3 has no such operation),
and nothing stored changes and no event is sent. Before the dispatch table, `DELETE ?tagging`
deleted the object and `GET ?acl` returned its body."""

import hashlib
import http.client
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from target_harness import ACCESS_KEY, SECRET_KEY, Serve, Webhook

BUCKET = "guarded"
KEYS = {"victim.txt": b"the victim's body", "dir/other key.bin": b"\x00\x01 another body"}
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]

# The subresource query parameters of the S3 API reference (bucket and object operations), and
# the query parameters that choose a version or a part. Written out here, apart from the target's
# table, so that a subresource the table forgets is caught.
SUBRESOURCES = [
    "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption",
    "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "location", "logging",
    "metadataConfiguration", "metadataTable", "metrics", "notification", "object-lock",
    "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "renameObject",
    "replication", "requestPayment", "restore", "retention", "select", "session", "tagging",
    "torrent", "uploads", "uploadId", "versioning", "versions", "website",
    # not subresources, but parameters S3 acts on: a version, a part, an unknown option
    "versionId", "partNumber", "some-future-option",
]

# (level, method, subresource) the target implements; each has its own tests elsewhere. The
# object-level multipart ones refuse the made-up id (or the part number or body it lacks).
IMPLEMENTED = {
    ("bucket", "GET", "location"), ("bucket", "GET", "notification"),
    ("bucket", "PUT", "notification"), ("bucket", "GET", "uploads"), ("bucket", "POST", "delete"),
    ("object", "POST", "uploads"),
    ("bucket", "GET", "acl"), ("bucket", "PUT", "acl"), ("object", "GET", "acl"),
    ("object", "PUT", "acl"),
    ("bucket", "GET", "versioning"), ("bucket", "PUT", "versioning"), ("bucket", "GET", "versions"),
    ("object", "GET", "tagging"), ("object", "PUT", "tagging"), ("object", "DELETE", "tagging"),
}
MULTIPART = {("object", m, "uploadId") for m in ("GET", "PUT", "POST", "DELETE")}


def error_code(body):
    return ET.fromstring(body).findtext("Code") if body else None


class EverySubresourceOnEveryMethod(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.webhook = Webhook()
        cls.serve = Serve("--notify", cls.webhook.url)
        cls.s3 = cls.serve.client()
        cls.s3.create_bucket(Bucket=BUCKET)
        for key, body in KEYS.items():
            cls.s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="text/plain")
        cls.baseline_events = len(cls.webhook.wait_for(len(KEYS)))

    @classmethod
    def tearDownClass(cls):
        code, stderr = cls.serve.stop()
        cls.webhook.close()
        assert code == 0, stderr

    def send(self, method, path, query, body=b""):
        url = "http://127.0.0.1:%d%s%s" % (self.serve.port, path, "?" + query if query else "")
        request = AWSRequest(method=method, url=url, data=body, headers={
            "x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
        S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
        connection = http.client.HTTPConnection("127.0.0.1", self.serve.port, timeout=10)
        target = path + ("?" + query if query else "")
        connection.request(method, target, body=body, headers=dict(request.headers.items()))
        response = connection.getresponse()
        result = response.status, response.read()
        connection.close()
        return result

    def assert_nothing_changed(self):
        listed = self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        self.assertEqual(sorted(o["Key"] for o in listed), sorted(KEYS))
        for key, body in KEYS.items():
            got = self.s3.get_object(Bucket=BUCKET, Key=key)
            self.assertEqual(got["Body"].read(), body)
            self.assertEqual(got["ContentType"], "text/plain")
        time.sleep(0.3)  # an event would be on its way by now
        self.assertEqual(len(self.webhook.records()), self.baseline_events,
                         [r["eventName"] for r in self.webhook.records()])

    def test_every_subresource_on_every_method_changes_nothing(self):
        key_path = "/%s/%s" % (BUCKET, urllib.parse.quote("victim.txt"))
        levels = {"bucket": "/" + BUCKET, "object": key_path}
        body = b"<Tagging><TagSet/></Tagging>"
        tried = 0
        for level, path in levels.items():
            for subresource in SUBRESOURCES:
                value = "made-up-id" if subresource == "uploadId" else \
                    "1" if subresource == "partNumber" else "x" if subresource == "versionId" else ""
                query = subresource + ("=" + value if value else "")
                for method in METHODS:
                    if (level, method, subresource) in IMPLEMENTED:
                        continue
                    with self.subTest(level=level, method=method, subresource=subresource):
                        status, answer = self.send(method, path, query,
                                                   body if method in ("PUT", "POST") else b"")
                        tried += 1
                        code = error_code(answer)
                        if (level, method, subresource) in MULTIPART:
                            self.assertIn(code, ("NoSuchUpload", "InvalidArgument",
                                                 "MalformedXML"), answer)
                        elif subresource == "versionId":
                            self.assertIn(status, (400, 405, 501), answer)
                        elif method == "HEAD":
                            self.assertIn(status, (405, 501))
                        else:
                            self.assertIn((status, code), [(405, "MethodNotAllowed"),
                                                           (501, "NotImplemented")], answer)
        self.assertGreater(tried, 350)
        self.assert_nothing_changed()

    def test_what_real_clients_called_is_refused_and_named(self):
        # The bucket's tags are not implemented (the object's are: test_versioning_tagging.py).
        with self.assertRaises(ClientError) as caught:
            self.s3.delete_bucket_tagging(Bucket=BUCKET)
        error = caught.exception.response
        self.assertEqual((error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]),
                         ("NotImplemented", 501))
        self.assertIn("DeleteBucketTagging", error["Error"]["Message"])
        for call in (self.s3.get_object_retention,
                     self.s3.get_object_legal_hold, self.s3.get_object_attributes):
            with self.subTest(call=call.__name__):
                with self.assertRaises(ClientError) as caught:
                    kwargs = {"ObjectAttributes": ["ETag"]} \
                        if call == self.s3.get_object_attributes else {}
                    call(Bucket=BUCKET, Key="victim.txt", **kwargs)
                self.assertEqual(caught.exception.response["Error"]["Code"], "NotImplemented")
        # A version the target never issued is named as such, and nothing is deleted.
        with self.assertRaises(ClientError) as caught:
            self.s3.delete_object(Bucket=BUCKET, Key="victim.txt", VersionId="nonexistent")
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidArgument")
        self.assert_nothing_changed()

    def test_acls_read_as_the_owners_and_canned_ones_are_accepted(self):
        # get-object-acl got the object's body before (s3cmd cp, which reads it first, crashed
        # parsing it; the aws CLI got a 500).
        for acl in (self.s3.get_object_acl(Bucket=BUCKET, Key="victim.txt"),
                    self.s3.get_bucket_acl(Bucket=BUCKET)):
            self.assertEqual(acl["Owner"]["ID"], "s3storm")
            self.assertEqual([(g["Grantee"]["ID"], g["Permission"]) for g in acl["Grants"]],
                             [("s3storm", "FULL_CONTROL")])
        self.s3.put_object_acl(Bucket=BUCKET, Key="victim.txt", ACL="public-read")
        self.s3.put_bucket_acl(Bucket=BUCKET, ACL="private")
        with self.assertRaises(ClientError) as caught:
            self.s3.get_object_acl(Bucket=BUCKET, Key="no such key")
        self.assertEqual(caught.exception.response["Error"]["Code"], "NoSuchKey")
        status, answer = self.send("PUT", "/%s/victim.txt" % BUCKET, "acl", b"<NotAnAcl/>")
        self.assertEqual((status, error_code(answer)), (400, "MalformedXML"))
        self.assert_nothing_changed()

    def test_the_null_version_and_response_overrides_are_served(self):
        got = self.s3.get_object(Bucket=BUCKET, Key="victim.txt", VersionId="null",
                                 ResponseContentType="application/x-override",
                                 ResponseContentDisposition="attachment; filename=v.txt")
        self.assertEqual(got["Body"].read(), KEYS["victim.txt"])
        self.assertEqual(got["ContentType"], "application/x-override")
        self.assertEqual(got["ContentDisposition"], "attachment; filename=v.txt")
        # The override is for that answer only.
        self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key="victim.txt")["ContentType"],
                         "text/plain")


if __name__ == "__main__":
    unittest.main()
