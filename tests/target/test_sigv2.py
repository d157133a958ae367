"""SigV2 and `serve --anonymous` through the binary: boto3 with no signature configuration
(presigned POST and URLs sign with SigV2), a header-signed request from botocore's HmacV1Auth,
each also with a wrong secret (403 SignatureDoesNotMatch, nothing stored), an expired URL, the
seed walkthrough's Python POST step as written, s3cmd with signature_v2 through put, multipart,
get, copy and delete, and the seed's curl POST against --anonymous; every upload's event checked
at a webhook given to --notify."""

import contextlib
import email.utils
import http.client
import io
import os
import subprocess
import tempfile
import time
import unittest
import unittest.mock
import urllib.parse
import xml.etree.ElementTree as ET

import boto3
import requests
from botocore.auth import HmacV1Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from target_harness import ACCESS_KEY, SECRET_KEY, Serve, Webhook

BUCKET = "v2-bucket"
SEED_TEXT = b"S3 events trigger demo file.\n"


def error_code(body):
    return ET.fromstring(body).findtext("Code")


def v2_client(serve, secret=SECRET_KEY):
    """A client as the seed makes one: no Config, so presigning uses SigV2."""
    client = boto3.client("s3", endpoint_url=serve.endpoint, region_name="eu-west-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret)
    serve.clients.append(client)
    return client


def events_for(webhook, key, count=1, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        found = [r["eventName"] for r in webhook.records()
                 if urllib.parse.unquote_plus(r["s3"]["object"]["key"]) == key]
        if len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.02)


class SkewedHmacV1Auth(HmacV1Auth):
    """botocore's header signer with a clock 20 minutes slow."""

    def _get_date(self):
        return email.utils.formatdate(time.time() - 20 * 60, usegmt=True)


def send_header_signed(port, method, path, body, secret, access_key=ACCESS_KEY,
                       signer=HmacV1Auth, virtual_bucket=None):
    """`path` signed with botocore's HmacV1Auth and sent with http.client; with a virtual_bucket,
    addressed as <bucket>.localhost (the bucket then signs as part of the resource)."""
    host = "%s.localhost:%d" % (virtual_bucket, port) if virtual_bucket else "127.0.0.1:%d" % port
    request = AWSRequest(method=method, url="http://%s%s" % (host, path), data=body,
                         headers={"Content-Type": "text/plain", "x-amz-meta-origin": "hmacv1"})
    if virtual_bucket:
        request.auth_path = "/%s%s" % (virtual_bucket, path)
    signer(Credentials(access_key, secret)).add_auth(request)
    assert request.headers["Authorization"].startswith("AWS ")
    headers = dict(request.headers.items())
    headers["Host"] = host
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    result = response.status, response.read()
    connection.close()
    return result


class SignatureV2(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.webhook = Webhook()
        cls.serve = Serve("--notify", cls.webhook.url)
        cls.admin = cls.serve.client()
        cls.admin.create_bucket(Bucket=BUCKET)
        cls.admin.create_bucket(Bucket="test-bucket")
        cls.s3 = v2_client(cls.serve)

    @classmethod
    def tearDownClass(cls):
        code, stderr = cls.serve.stop()
        cls.webhook.close()
        assert code == 0, stderr
        assert SECRET_KEY not in stderr

    def assert_not_stored(self, key):
        listed = self.admin.list_objects_v2(Bucket=BUCKET, Prefix=key).get("Contents", [])
        self.assertEqual([o["Key"] for o in listed if o["Key"] == key], [])

    def test_presigned_post_stores_the_file_and_sends_its_event(self):
        post = self.s3.generate_presigned_post(
            BUCKET, "posted.txt", Fields={"acl": "private"},
            Conditions=[{"acl": "private"}, ["content-length-range", 0, 1048576]], ExpiresIn=3600)
        self.assertIn("signature", post["fields"])  # SigV2, not X-Amz-Signature
        response = requests.post(post["url"], data=post["fields"],
                                 files={"file": ("posted.txt", io.BytesIO(b"posted v2"))})
        self.assertEqual(response.status_code, 204, response.text)
        body = self.admin.get_object(Bucket=BUCKET, Key="posted.txt")["Body"].read()
        self.assertEqual(body, b"posted v2")
        self.assertEqual(events_for(self.webhook, "posted.txt"), ["ObjectCreated:Post"])

    def test_presigned_post_under_a_wrong_secret_or_breaking_its_policy_is_refused(self):
        wrong = v2_client(self.serve, secret="not-the-secret")
        post = wrong.generate_presigned_post(BUCKET, "wrong-post.txt", ExpiresIn=600)
        response = requests.post(post["url"], data=post["fields"],
                                 files={"file": ("f", io.BytesIO(b"x"))})
        self.assertEqual((response.status_code, error_code(response.content)),
                         (403, "SignatureDoesNotMatch"))
        self.assert_not_stored("wrong-post.txt")
        # The same checker as SigV4: a file above content-length-range is refused.
        post = self.s3.generate_presigned_post(
            BUCKET, "too-big.txt", Conditions=[["content-length-range", 0, 4]], ExpiresIn=600)
        response = requests.post(post["url"], data=post["fields"],
                                 files={"file": ("f", io.BytesIO(b"12345"))})
        self.assertEqual((response.status_code, error_code(response.content)),
                         (400, "EntityTooLarge"))
        self.assert_not_stored("too-big.txt")

    def test_presigned_urls_put_and_get(self):
        put_url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": "url put é.txt"}, ExpiresIn=600)
        self.assertIn("AWSAccessKeyId=", put_url)
        self.assertIn("Signature=", put_url)
        response = requests.put(put_url, data=b"via a v2 url")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(events_for(self.webhook, "url put é.txt"), ["ObjectCreated:Put"])
        get_url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "url put é.txt"}, ExpiresIn=600)
        response = requests.get(get_url)
        self.assertEqual((response.status_code, response.content), (200, b"via a v2 url"))

    def test_presigned_url_with_a_session_token(self):
        # Temporary credentials: botocore moves x-amz-security-token into a v2 URL's query and
        # signs it among the x-amz-* headers; the route table must take it as an auth parameter.
        client = boto3.client("s3", endpoint_url=self.serve.endpoint, region_name="eu-west-1",
                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                              aws_session_token="session-token-value")
        self.serve.clients.append(client)
        self.admin.put_object(Bucket=BUCKET, Key="token.txt", Body=b"with a token")
        get_url = client.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "token.txt"}, ExpiresIn=600)
        self.assertIn("x-amz-security-token=session-token-value", get_url)
        self.assertIn("AWSAccessKeyId=", get_url)
        response = requests.get(get_url)
        self.assertEqual((response.status_code, response.content), (200, b"with a token"))
        # The token is signed: another one is a different request.
        response = requests.get(get_url.replace("session-token-value", "other-token-value"))
        self.assertEqual((response.status_code, error_code(response.content)),
                         (403, "SignatureDoesNotMatch"))

    def test_presigned_urls_under_a_wrong_secret_are_refused(self):
        wrong = v2_client(self.serve, secret="not-the-secret")
        put_url = wrong.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": "wrong-url.txt"}, ExpiresIn=600)
        response = requests.put(put_url, data=b"x")
        self.assertEqual((response.status_code, error_code(response.content)),
                         (403, "SignatureDoesNotMatch"))
        self.assert_not_stored("wrong-url.txt")
        self.admin.put_object(Bucket=BUCKET, Key="readable.txt", Body=b"r")
        get_url = wrong.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "readable.txt"}, ExpiresIn=600)
        response = requests.get(get_url)
        self.assertEqual((response.status_code, error_code(response.content)),
                         (403, "SignatureDoesNotMatch"))

    def test_expired_url_is_access_denied(self):
        put_url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": "late.txt"}, ExpiresIn=1)
        time.sleep(2.2)
        response = requests.put(put_url, data=b"late")
        self.assertEqual((response.status_code, error_code(response.content)),
                         (403, "AccessDenied"))
        self.assertIn("Request has expired", response.text)
        self.assert_not_stored("late.txt")

    def test_header_signed_v2_request(self):
        status, body = send_header_signed(self.serve.port, "PUT", "/%s/header%%20v2.txt" % BUCKET,
                                          b"header signed", SECRET_KEY)
        self.assertEqual(status, 200, body)
        got = self.admin.get_object(Bucket=BUCKET, Key="header v2.txt")
        self.assertEqual(got["Body"].read(), b"header signed")
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"origin": "hmacv1"})
        self.assertEqual(events_for(self.webhook, "header v2.txt"), ["ObjectCreated:Put"])

        status, body = send_header_signed(self.serve.port, "PUT", "/%s/header-wrong.txt" % BUCKET,
                                          b"x", "not-the-secret")
        self.assertEqual((status, error_code(body)), (403, "SignatureDoesNotMatch"))
        self.assert_not_stored("header-wrong.txt")

    def test_header_signed_v2_virtual_hosted(self):
        status, body = send_header_signed(self.serve.port, "PUT", "/virtual.txt", b"vh",
                                          SECRET_KEY, virtual_bucket=BUCKET)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.admin.get_object(Bucket=BUCKET, Key="virtual.txt")["Body"].read(),
                         b"vh")

    def test_header_signed_v2_clock_key_and_date_failures(self):
        status, body = send_header_signed(self.serve.port, "PUT", "/%s/skewed.txt" % BUCKET,
                                          b"x", SECRET_KEY, signer=SkewedHmacV1Auth)
        self.assertEqual((status, error_code(body)), (403, "RequestTimeTooSkewed"))
        status, body = send_header_signed(self.serve.port, "PUT", "/%s/stranger.txt" % BUCKET,
                                          b"x", SECRET_KEY, access_key="nobody")
        self.assertEqual((status, error_code(body)), (403, "InvalidAccessKeyId"))
        # No Date and no x-amz-date.
        connection = http.client.HTTPConnection("127.0.0.1", self.serve.port, timeout=10)
        connection.request("PUT", "/%s/undated.txt" % BUCKET, body=b"x",
                           headers={"Authorization": "AWS %s:c2lnbmF0dXJl" % ACCESS_KEY})
        response = connection.getresponse()
        self.assertEqual((response.status, error_code(response.read())), (403, "AccessDenied"))
        connection.close()
        for key in ("skewed.txt", "stranger.txt", "undated.txt"):
            self.assert_not_stored(key)

    def test_seed_python_post_step_as_written(self):
        # The walkthrough's post_object, unchanged, with its client made as its main() makes it.
        def post_object(s3, bucket, key):
            post = s3.generate_presigned_post(
                Bucket=bucket,
                Key=key,
                Fields={"acl": "private"},
                Conditions=[
                    {"acl": "private"},
                    ["content-length-range", 0, 1048576]
                ],
                ExpiresIn=3600
            )

            with open(key, 'rb') as f:
                files = {'file': (key, f)}
                response = requests.post(post["url"], data=post["fields"], files=files)

            if response.status_code == 204:
                print("Upload successful. S3 POST trigger should fire.")
            else:
                print("Upload failed!")
                print("Status:", response.status_code)
                print(response.text)

        environment = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                       "AWS_ENDPOINT_URL": self.serve.endpoint}
        with tempfile.TemporaryDirectory() as folder, \
                unittest.mock.patch.dict(os.environ, environment):
            with open(os.path.join(folder, "test.txt"), "wb") as f:
                f.write(SEED_TEXT)
            s3 = boto3.client('s3', endpoint_url=os.environ.get("AWS_ENDPOINT_URL"),
                              region_name='eu-west-1')
            self.serve.clients.append(s3)
            printed = io.StringIO()
            cwd = os.getcwd()
            os.chdir(folder)
            try:
                with contextlib.redirect_stdout(printed):
                    post_object(s3, "test-bucket", "test.txt")
            finally:
                os.chdir(cwd)
        self.assertIn("Upload successful", printed.getvalue())
        got = self.admin.get_object(Bucket="test-bucket", Key="test.txt")["Body"].read()
        self.assertEqual(got, SEED_TEXT)
        self.assertEqual(events_for(self.webhook, "test.txt"), ["ObjectCreated:Post"])


class S3cmdSignatureV2(unittest.TestCase):
    """s3cmd with signature_v2: every request header-signed with SigV2, multipart (uploads,
    uploadId and partNumber in the canonical resource) and copy (a signed x-amz-copy-source)
    included."""

    def s3cmd(self, *args, secret=SECRET_KEY):
        config = os.path.join(self.folder.name, "s3cfg-" + secret)
        with open(config, "w") as f:
            f.write("[default]\naccess_key = %s\nsecret_key = %s\nhost_base = 127.0.0.1:%d\n"
                    "host_bucket = 127.0.0.1:%d\nuse_https = False\nsignature_v2 = True\n"
                    % (ACCESS_KEY, secret, self.serve.port, self.serve.port))
        return subprocess.run(["s3cmd", "-c", config, "--debug", *args], cwd=self.folder.name,
                              capture_output=True, text=True, timeout=60)

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.webhook = Webhook()
        self.serve = Serve("--notify", self.webhook.url)

    def tearDown(self):
        code, stderr = self.serve.stop()
        self.webhook.close()
        self.folder.cleanup()
        self.assertEqual(code, 0, stderr)

    def test_put_multipart_get_copy_delete(self):
        with open(os.path.join(self.folder.name, "small.txt"), "wb") as f:
            f.write(SEED_TEXT)
        with open(os.path.join(self.folder.name, "big.bin"), "wb") as f:
            f.write(os.urandom(6 * 1024 * 1024))
        done = self.s3cmd("mb", "s3://s3cmd-v2")
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        self.assertIn("'Authorization': 'AWS %s:" % ACCESS_KEY, done.stderr)  # SigV2 indeed
        for args in (["put", "small.txt", "s3://s3cmd-v2/a b+é.txt"],
                     ["put", "--multipart-chunk-size-mb=5", "big.bin", "s3://s3cmd-v2/big.bin"],
                     ["get", "--force", "s3://s3cmd-v2/a b+é.txt", "got.txt"],
                     ["cp", "s3://s3cmd-v2/a b+é.txt", "s3://s3cmd-v2/copy.txt"],
                     ["del", "s3://s3cmd-v2/copy.txt"]):
            done = self.s3cmd(*args)
            self.assertEqual(done.returncode, 0, "%s: %s" % (args, done.stderr[-2000:]))
        with open(os.path.join(self.folder.name, "got.txt"), "rb") as f:
            self.assertEqual(f.read(), SEED_TEXT)
        self.assertEqual(events_for(self.webhook, "a b+é.txt"), ["ObjectCreated:Put"])
        self.assertEqual(events_for(self.webhook, "big.bin"),
                         ["ObjectCreated:CompleteMultipartUpload"])
        self.assertEqual(events_for(self.webhook, "copy.txt", count=2),
                         ["ObjectCreated:Copy", "ObjectRemoved:Delete"])

        done = self.s3cmd("put", "small.txt", "s3://s3cmd-v2/wrong.txt", secret="not-the-secret")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("SignatureDoesNotMatch", done.stderr)
        self.assertEqual(events_for(self.webhook, "wrong.txt", timeout=0.3), [])


def curl_post(port, folder):
    """The walkthrough's curl step, with its status written out."""
    return subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
         "-F", "key=test.txt", "-F", "file=@test.txt",
         "http://127.0.0.1:%d/test-bucket" % port],
        cwd=folder, capture_output=True, text=True, timeout=20)


class Anonymous(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        with open(os.path.join(self.folder.name, "test.txt"), "wb") as f:
            f.write(SEED_TEXT)
        self.webhook = Webhook()

    def tearDown(self):
        self.webhook.close()
        self.folder.cleanup()

    def test_seed_curl_post_works_with_anonymous_and_sends_its_event(self):
        serve = Serve("--anonymous", "--notify", self.webhook.url)
        try:
            self.assertIn("WARNING: --anonymous: unsigned requests are accepted",
                          serve.banner)
            admin = serve.client()
            admin.create_bucket(Bucket="test-bucket")
            done = curl_post(serve.port, self.folder.name)
            self.assertEqual(done.stdout, "204", done.stderr)
            got = admin.get_object(Bucket="test-bucket", Key="test.txt")["Body"].read()
            self.assertEqual(got, SEED_TEXT)
            self.assertEqual(events_for(self.webhook, "test.txt"), ["ObjectCreated:Post"])

            # An unsigned PUT and GET go through too.
            connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=10)
            connection.request("PUT", "/test-bucket/unsigned.txt", body=b"anon")
            response = connection.getresponse()
            response.read()
            self.assertEqual(response.status, 200)
            connection.request("GET", "/test-bucket/unsigned.txt")
            response = connection.getresponse()
            self.assertEqual((response.status, response.read()), (200, b"anon"))
            connection.close()
            self.assertEqual(events_for(self.webhook, "unsigned.txt"), ["ObjectCreated:Put"])

            # A signed request is still verified.
            status, body = send_header_signed(serve.port, "PUT", "/test-bucket/bad-sig.txt",
                                              b"x", "not-the-secret")
            self.assertEqual((status, error_code(body)), (403, "SignatureDoesNotMatch"))
            wrong = serve.client(secret="not-the-secret")
            with self.assertRaises(Exception) as caught:
                wrong.put_object(Bucket="test-bucket", Key="bad-v4.txt", Body=b"x")
            self.assertIn("SignatureDoesNotMatch", str(caught.exception))
            keys = [o["Key"] for o in admin.list_objects_v2(Bucket="test-bucket")["Contents"]]
            self.assertEqual(sorted(keys), ["test.txt", "unsigned.txt"])
        finally:
            code, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        self.assertIn("WARNING: --anonymous", stderr)

    def test_without_anonymous_the_curl_post_is_refused(self):
        serve = Serve("--notify", self.webhook.url)
        try:
            self.assertNotIn("WARNING", serve.banner)
            admin = serve.client()
            admin.create_bucket(Bucket="test-bucket")
            done = curl_post(serve.port, self.folder.name)
            self.assertEqual(done.stdout, "403", done.stderr)
            self.assertEqual(admin.list_objects_v2(Bucket="test-bucket").get("Contents", []), [])
            connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=10)
            connection.request("PUT", "/test-bucket/unsigned.txt", body=b"anon")
            response = connection.getresponse()
            self.assertEqual((response.status, error_code(response.read())), (403, "AccessDenied"))
            connection.close()
            time.sleep(0.3)
            self.assertEqual(self.webhook.records(), [])
        finally:
            code, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)


if __name__ == "__main__":
    unittest.main()
