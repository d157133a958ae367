"""Requests the target must refuse, each with S3's code and status, and nothing stored:
a wrong secret, an unknown key, a tampered body under a signed payload hash, an expired
presigned URL, an expired or violated POST policy; plus S3's other error codes via boto3."""

import hashlib
import http.client
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from target_harness import ACCESS_KEY, SECRET_KEY, Serve, multipart_form

BUCKET = "guarded"


class PresignedWithItsHeaders(S3SigV4QueryAuth):
    """botocore's presigner, but a signed x-amz-content-sha256 is the payload line, as the target
    (and S3, for a URL made for one body) reads it."""

    def payload(self, request):
        return request.headers.get("x-amz-content-sha256", "UNSIGNED-PAYLOAD")


def error_code(response_body):
    return ET.fromstring(response_body).findtext("Code")


class Refusals(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = Serve()
        cls.s3 = cls.serve.client()
        cls.s3.create_bucket(Bucket=BUCKET)

    @classmethod
    def tearDownClass(cls):
        code, stderr = cls.serve.stop()
        assert code == 0, stderr

    def assert_not_stored(self, key):
        with self.assertRaises(ClientError) as caught:
            self.s3.head_object(Bucket=BUCKET, Key=key)
        self.assertEqual(caught.exception.response["Error"]["Code"], "404")

    def assert_client_error(self, code, status, call, *args, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        error = caught.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)
        return error

    def test_wrong_secret_is_signature_does_not_match(self):
        wrong = self.serve.client(secret="not-the-secret")
        self.assert_client_error("SignatureDoesNotMatch", 403, wrong.put_object,
                                 Bucket=BUCKET, Key="wrong secret", Body=b"x")
        self.assert_not_stored("wrong secret")

    def test_unknown_access_key(self):
        stranger = self.serve.client(access_key="nobody")
        self.assert_client_error("InvalidAccessKeyId", 403, stranger.put_object,
                                 Bucket=BUCKET, Key="stranger", Body=b"x")
        self.assert_not_stored("stranger")

    def test_tampered_body_under_signed_payload_hash(self):
        key = "tampered \u00fc"
        path = "/%s/%s" % (BUCKET, urllib.parse.quote(key))
        url = "http://127.0.0.1:%d%s" % (self.serve.port, path)
        signed_body = b"the body that was signed"
        request = AWSRequest(method="PUT", url=url, data=signed_body, headers={
            "x-amz-content-sha256": hashlib.sha256(signed_body).hexdigest()})
        S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())

        def send(body):
            connection = http.client.HTTPConnection("127.0.0.1", self.serve.port, timeout=10)
            connection.request("PUT", path, body=body, headers=headers)
            response = connection.getresponse()
            result = response.status, response.read()
            connection.close()
            return result

        status, body = send(b"the body that was tampered")
        self.assertEqual((status, error_code(body)), (400, "XAmzContentSHA256Mismatch"))
        self.assert_not_stored(key)
        # Control: the same signed request with its own body goes through.
        status, _ = send(signed_body)
        self.assertEqual(status, 200)
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read(), signed_body)

    def test_expired_presigned_url_and_expired_post_policy(self):
        url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": "late url"}, ExpiresIn=1)
        post = self.s3.generate_presigned_post(BUCKET, "late post", ExpiresIn=1)
        fresh_url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": "fresh url"}, ExpiresIn=300)
        time.sleep(2.2)

        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(urllib.request.Request(url, data=b"x", method="PUT"))
        self.assertEqual(caught.exception.code, 403)
        self.assertEqual(error_code(caught.exception.read()), "AccessDenied")
        self.assert_not_stored("late url")

        form, content_type = multipart_form(post["fields"], "f.txt", b"late")
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(urllib.request.Request(
                post["url"], data=form, method="POST", headers={"Content-Type": content_type}))
        self.assertEqual(caught.exception.code, 403)
        self.assertEqual(error_code(caught.exception.read()), "AccessDenied")
        self.assert_not_stored("late post")

        with urllib.request.urlopen(urllib.request.Request(fresh_url, data=b"ok", method="PUT")) as r:
            self.assertEqual(r.status, 200)

    def test_post_policy_conditions_and_signature(self):
        post = self.s3.generate_presigned_post(
            BUCKET, "uploads/ok.txt", ExpiresIn=300,
            Conditions=[["content-length-range", 1, 10]])

        def submit(fields, content):
            form, content_type = multipart_form(fields, "f.txt", content)
            request = urllib.request.Request(post["url"], data=form, method="POST",
                                             headers={"Content-Type": content_type})
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, None
            except urllib.error.HTTPError as error:
                return error.code, error_code(error.read())

        other_key = dict(post["fields"], key="uploads/other.txt")
        self.assertEqual(submit(other_key, b"small"), (403, "AccessDenied"))
        self.assertEqual(submit(post["fields"], b"far too large"), (400, "EntityTooLarge"))
        self.assertEqual(submit(post["fields"], b""), (400, "EntityTooSmall"))
        extra = dict(post["fields"], **{"x-amz-meta-extra": "1"})
        self.assertEqual(submit(extra, b"small"), (403, "AccessDenied"))
        forged = dict(post["fields"], **{"x-amz-signature": "0" * 64})
        self.assertEqual(submit(forged, b"small"), (403, "SignatureDoesNotMatch"))
        self.assert_not_stored("uploads/ok.txt")
        self.assert_not_stored("uploads/other.txt")
        self.assertEqual(submit(post["fields"], b"small"), (204, None))
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="uploads/ok.txt")["Body"].read(),
                         b"small")

    def signed_put(self, key, body, signed_headers=None, added_headers=None, presign=False):
        """A PUT signed over `signed_headers` (plus host and the x-amz-* the signer adds), sent
        with `added_headers` too, which the signature does not cover."""
        path = "/%s/%s" % (BUCKET, urllib.parse.quote(key))
        url = "http://127.0.0.1:%d%s" % (self.serve.port, path)
        headers = dict(signed_headers or {})
        if not presign:
            headers.setdefault("x-amz-content-sha256", hashlib.sha256(body).hexdigest())
        request = AWSRequest(method="PUT", url=url, data=b"" if presign else body, headers=headers)
        credentials = Credentials(ACCESS_KEY, SECRET_KEY)
        if presign:
            PresignedWithItsHeaders(credentials, "s3", "us-east-1", expires=300).add_auth(request)
            target = request.url[len("http://127.0.0.1:%d" % self.serve.port):]
        else:
            S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
            target = path
        sent = dict(request.headers.items())
        sent.update(added_headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.serve.port, timeout=10)
        connection.request("PUT", target, body=body, headers=sent)
        response = connection.getresponse()
        result = response.status, response.read()
        connection.close()
        return result

    def test_unsigned_amz_headers_are_refused_not_acted_on(self):
        self.s3.put_object(Bucket=BUCKET, Key="secret", Body=b"the secret")
        # Signed as a plain PUT; an unsigned x-amz-copy-source made it a copy of the secret.
        status, body = self.signed_put("copy target", b"harmless", added_headers={
            "x-amz-copy-source": "/%s/secret" % BUCKET})
        self.assertEqual((status, error_code(body)), (403, "AccessDenied"), body)
        self.assertEqual(ET.fromstring(body).findtext("HeadersNotSigned"), "x-amz-copy-source")
        self.assert_not_stored("copy target")
        status, body = self.signed_put("with meta", b"x", added_headers={
            "X-Amz-Meta-Injected": "1", "x-amz-storage-class": "GLACIER"})
        self.assertEqual((status, error_code(body)), (403, "AccessDenied"), body)
        self.assertEqual(ET.fromstring(body).findtext("HeadersNotSigned"),
                         "x-amz-meta-injected, x-amz-storage-class")
        self.assert_not_stored("with meta")
        # The same holds for a presigned URL.
        status, body = self.signed_put("presigned meta", b"x", presign=True,
                                       added_headers={"x-amz-meta-injected": "1"})
        self.assertEqual((status, error_code(body)), (403, "AccessDenied"), body)
        self.assert_not_stored("presigned meta")
        # Control: signed, the same metadata is stored.
        status, _ = self.signed_put("signed meta", b"x", {"x-amz-meta-injected": "1"})
        self.assertEqual(status, 200)
        head = self.s3.head_object(Bucket=BUCKET, Key="signed meta")
        self.assertEqual(head["Metadata"], {"injected": "1"})

    def test_an_unsigned_content_type_does_not_change_what_is_stored(self):
        status, _ = self.signed_put("typed unsigned", b"x",
                                    added_headers={"Content-Type": "text/html"})
        self.assertEqual(status, 200)
        head = self.s3.head_object(Bucket=BUCKET, Key="typed unsigned")
        self.assertEqual(head["ContentType"], "binary/octet-stream")
        status, _ = self.signed_put("typed signed", b"x", {"Content-Type": "text/html"})
        self.assertEqual(status, 200)
        self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key="typed signed")["ContentType"],
                         "text/html")

    def test_presigned_put_body_is_held_to_the_hash_it_signed(self):
        signed_body = b"the body the URL was made for"
        digest = {"x-amz-content-sha256": hashlib.sha256(signed_body).hexdigest()}
        status, body = self.signed_put("presigned hash", b"another body", digest, presign=True)
        self.assertEqual((status, error_code(body)), (400, "XAmzContentSHA256Mismatch"), body)
        self.assert_not_stored("presigned hash")
        status, body = self.signed_put("presigned hash", signed_body, digest, presign=True)
        self.assertEqual(status, 200, body)
        self.assertEqual(
            self.s3.get_object(Bucket=BUCKET, Key="presigned hash")["Body"].read(), signed_body)

    def test_anonymous_request_is_access_denied(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.serve.port, timeout=10)
        connection.request("PUT", "/%s/anonymous" % BUCKET, body=b"x")
        response = connection.getresponse()
        self.assertEqual((response.status, error_code(response.read())), (403, "AccessDenied"))
        connection.close()
        self.assert_not_stored("anonymous")


class S3ErrorCodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = Serve()
        cls.s3 = cls.serve.client()
        cls.s3.create_bucket(Bucket="codes")

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def code(self, call, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]

    def test_bucket_and_key_errors(self):
        s3 = self.s3
        self.assertEqual(self.code(s3.create_bucket, Bucket="codes"),
                         ("BucketAlreadyOwnedByYou", 409))
        self.assertEqual(self.code(s3.put_object, Bucket="missing-bucket", Key="k", Body=b"x"),
                         ("NoSuchBucket", 404))
        self.assertEqual(self.code(s3.get_object, Bucket="codes", Key="missing"),
                         ("NoSuchKey", 404))
        self.assertEqual(self.code(s3.put_bucket_notification_configuration, Bucket="codes",
                                   NotificationConfiguration={"QueueConfigurations": [
                                       {"QueueArn": "arn:x", "Events": []}]}),
                         ("MalformedXML", 400))

    def test_multipart_errors(self):
        s3 = self.s3
        upload = s3.create_multipart_upload(Bucket="codes", Key="mp")["UploadId"]
        p1 = s3.upload_part(Bucket="codes", Key="mp", UploadId=upload, PartNumber=1, Body=b"a")
        p2 = s3.upload_part(Bucket="codes", Key="mp", UploadId=upload, PartNumber=2, Body=b"b")
        listed = s3.list_parts(Bucket="codes", Key="mp", UploadId=upload)
        self.assertEqual([p["PartNumber"] for p in listed["Parts"]], [1, 2])
        uploads = s3.list_multipart_uploads(Bucket="codes")["Uploads"]
        self.assertEqual([u["UploadId"] for u in uploads], [upload])

        def complete(parts):
            return self.code(s3.complete_multipart_upload, Bucket="codes", Key="mp",
                             UploadId=upload, MultipartUpload={"Parts": parts})

        one = {"PartNumber": 1, "ETag": p1["ETag"]}
        two = {"PartNumber": 2, "ETag": p2["ETag"]}
        self.assertEqual(complete([one, two]), ("EntityTooSmall", 400))
        self.assertEqual(complete([two, one]), ("InvalidPartOrder", 400))
        self.assertEqual(complete([{"PartNumber": 1, "ETag": p2["ETag"]}]), ("InvalidPart", 400))
        s3.abort_multipart_upload(Bucket="codes", Key="mp", UploadId=upload)
        self.assertEqual(complete([one]), ("NoSuchUpload", 404))


if __name__ == "__main__":
    unittest.main()
