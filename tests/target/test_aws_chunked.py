"""aws-chunked uploads and checksums against `s3storm serve`, from raw requests: botocore signs
the seed request, the chunk and trailer signatures are computed here with hmac/hashlib
(independently of the C++). A good body is stored and its event carries the decoded size; a
tampered chunk, a wrong checksum or Content-MD5, or a short body is refused with S3's code and
nothing is stored. boto3's own checksum parameters (header values) are checked the same way."""

import base64
import hashlib
import hmac
import http.client
import os
import time
import unittest
import xml.etree.ElementTree as ET
import zlib

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from target_harness import ACCESS_KEY, SECRET_KEY, Serve, Webhook

BUCKET = "chunked"
REGION = "us-east-1"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


class StreamingAuth(S3SigV4Auth):
    """botocore's SigV4 with the streaming mode as the payload line, as aws-chunked clients sign."""

    def __init__(self, mode):
        super().__init__(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION)
        self.mode = mode

    def payload(self, request):
        return self.mode


def signing_key(date):
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (date, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def chunked_request(endpoint, key, data, mode, chunk=65536, trailer=None, tamper=None,
                    decoded_length=None, answer_headers=None):
    """A PUT of `data` in aws-chunked framing; `trailer` is (header name, value) or None;
    `tamper(body)` changes the encoded body after signing. Returns (status, body); the answer's
    headers go into the dict `answer_headers` when one is given."""
    headers = {"Content-Encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(data) if decoded_length is None
                                                   else decoded_length)}
    if trailer:
        headers["x-amz-trailer"] = trailer[0]
    url = "%s/%s/%s" % (endpoint, BUCKET, key)
    request = AWSRequest(method="PUT", url=url, headers=headers)
    StreamingAuth(mode).add_auth(request)
    amz_date = request.headers["X-Amz-Date"]
    scope = "%s/%s/s3/aws4_request" % (amz_date[:8], REGION)
    previous = request.headers["Authorization"].split("Signature=")[1]
    signing = signing_key(amz_date[:8])
    signed = mode != UNSIGNED_TRAILER

    def sign(string_to_sign):
        return hmac.new(signing, string_to_sign.encode(), hashlib.sha256).hexdigest()

    pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)] + [b""]
    body = b""
    for piece in pieces:
        if signed:
            previous = sign("\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                                       EMPTY_SHA256, hashlib.sha256(piece).hexdigest()]))
            body += b"%x;chunk-signature=%s\r\n" % (len(piece), previous.encode())
        else:
            body += b"%x\r\n" % len(piece)
        if piece:
            body += piece + b"\r\n"
    if trailer:
        line = "%s:%s\n" % trailer
        body += line.replace("\n", "\r\n").encode()
        if signed:
            trailer_signature = sign("\n".join([
                "AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
                hashlib.sha256(line.encode()).hexdigest()]))
            body += b"x-amz-trailer-signature:%s\r\n" % trailer_signature.encode()
    body += b"\r\n"
    if tamper:
        body = tamper(body)
    host, port = endpoint.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        sent = dict(request.headers.items())
        sent["Content-Length"] = str(len(body))
        connection.request("PUT", "/%s/%s" % (BUCKET, key), body=body, headers=sent)
        response = connection.getresponse()
        if answer_headers is not None:
            answer_headers.update((name.lower(), value) for name, value in response.getheaders())
        return response.status, response.read()
    finally:
        connection.close()


class SignedPayloadAuth(S3SigV4Auth):
    """botocore's SigV4 with the body's SHA-256 as the payload line (x-amz-content-sha256)."""

    def __init__(self, data):
        super().__init__(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION)
        self.data = data

    def payload(self, request):
        return hashlib.sha256(self.data).hexdigest()


def signed_put_etag(endpoint, key, data):
    """A plain signed PUT of `data` (payload hash signed, no framing); returns its ETag."""
    url = "%s/%s/%s" % (endpoint, BUCKET, key)
    request = AWSRequest(method="PUT", url=url, data=data,
                         headers={"x-amz-content-sha256": hashlib.sha256(data).hexdigest()})
    SignedPayloadAuth(data).add_auth(request)
    host, port = endpoint.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("PUT", "/%s/%s" % (BUCKET, key), body=data,
                           headers=dict(request.headers.items()))
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise AssertionError("signed PUT answered %d: %r" % (response.status, body))
        return response.getheader("ETag")
    finally:
        connection.close()


def error_code(body):
    return ET.fromstring(body).findtext("Code")


class AwsChunked(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.webhook = Webhook()
        cls.serve = Serve("--notify", cls.webhook.url)
        cls.s3 = cls.serve.client()
        cls.s3.create_bucket(Bucket=BUCKET)

    @classmethod
    def tearDownClass(cls):
        code, stderr = cls.serve.stop()
        cls.webhook.close()
        assert code == 0, stderr
        assert SECRET_KEY not in stderr

    def assert_stored(self, key, data):
        got = self.s3.get_object(Bucket=BUCKET, Key=key)
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(data).hexdigest())

    def assert_absent(self, key):
        with self.assertRaises(ClientError) as caught:
            self.s3.head_object(Bucket=BUCKET, Key=key)
        self.assertEqual(caught.exception.response["Error"]["Code"], "404")

    def assert_refused(self, outcome, status, code, key):
        self.assertEqual(outcome[0], status, outcome[1])
        self.assertEqual(error_code(outcome[1]), code)
        self.assert_absent(key)

    def event_size(self, key):
        deadline = time.time() + 10
        while time.time() < deadline:
            for record in self.webhook.records():
                if record["s3"]["object"]["key"] == key:
                    self.assertEqual(record["eventName"], "ObjectCreated:Put")
                    return record["s3"]["object"]["size"]
            time.sleep(0.02)
        self.fail("no event for " + key)

    def test_signed_chunks_are_decoded_and_stored(self):
        data = os.urandom(150 * 1024 + 17)
        status, body = chunked_request(self.serve.endpoint, "signed", data, SIGNED)
        self.assertEqual(status, 200, body)
        self.assert_stored("signed", data)
        self.assertEqual(self.event_size("signed"), len(data))

    def test_signed_trailer_checksum_is_verified_and_returned(self):
        data = os.urandom(70000)
        status, body = chunked_request(self.serve.endpoint, "trailer", data, SIGNED_TRAILER,
                                       trailer=("x-amz-checksum-crc32", crc32_b64(data)))
        self.assertEqual(status, 200, body)
        self.assert_stored("trailer", data)
        head = self.s3.head_object(Bucket=BUCKET, Key="trailer", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], crc32_b64(data))
        # Without the checksum mode, S3 does not send it.
        self.assertNotIn("ChecksumCRC32", self.s3.head_object(Bucket=BUCKET, Key="trailer"))

    def test_unsigned_chunks_with_trailing_crc32(self):
        data = os.urandom(100000)
        status, body = chunked_request(self.serve.endpoint, "unsigned", data, UNSIGNED_TRAILER,
                                       chunk=8192, trailer=("x-amz-checksum-crc32",
                                                            crc32_b64(data)))
        self.assertEqual(status, 200, body)
        self.assert_stored("unsigned", data)

    def test_tampered_chunk_is_refused(self):
        data = b"x" * 100000

        def tamper(body):
            at = body.index(b"xxxx", 200)
            return body[:at] + b"y" + body[at + 1:]

        outcome = chunked_request(self.serve.endpoint, "tampered", data, SIGNED, tamper=tamper)
        self.assert_refused(outcome, 403, "SignatureDoesNotMatch", "tampered")

    def test_tampered_trailer_is_refused(self):
        data = os.urandom(1000)

        def tamper(body):
            return body.replace(crc32_b64(data).encode(), crc32_b64(data + b"!").encode())

        outcome = chunked_request(self.serve.endpoint, "tampered-trailer", data, SIGNED_TRAILER,
                                  trailer=("x-amz-checksum-crc32", crc32_b64(data)),
                                  tamper=tamper)
        self.assert_refused(outcome, 403, "SignatureDoesNotMatch", "tampered-trailer")

    def test_wrong_trailing_checksum_is_bad_digest(self):
        data = os.urandom(1000)
        for mode in (SIGNED_TRAILER, UNSIGNED_TRAILER):
            outcome = chunked_request(self.serve.endpoint, "bad-trailer", data, mode,
                                      trailer=("x-amz-checksum-crc32", crc32_b64(b"other")))
            self.assert_refused(outcome, 400, "BadDigest", "bad-trailer")

    def test_wrong_decoded_length_and_truncation_are_incomplete(self):
        data = os.urandom(5000)
        outcome = chunked_request(self.serve.endpoint, "short", data, SIGNED,
                                  decoded_length=6000)
        self.assert_refused(outcome, 400, "IncompleteBody", "short")
        outcome = chunked_request(self.serve.endpoint, "cut", data, SIGNED,
                                  tamper=lambda body: body[:-60])
        self.assert_refused(outcome, 400, "IncompleteBody", "cut")

    def test_broken_framing_is_invalid_request(self):
        outcome = chunked_request(self.serve.endpoint, "framing", b"abc", UNSIGNED_TRAILER,
                                  tamper=lambda body: body.replace(b"3\r\n", b"q\r\n", 1))
        self.assert_refused(outcome, 400, "InvalidRequest", "framing")

    def test_header_checksums_of_each_algorithm(self):
        data = os.urandom(3000)
        for algorithm in ("CRC32", "CRC32C", "SHA1", "SHA256"):
            key = "header-" + algorithm
            put = self.s3.put_object(Bucket=BUCKET, Key=key, Body=data,
                                     ChecksumAlgorithm=algorithm)
            got = self.s3.get_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")
            self.assertEqual(got["Body"].read(), data)
            self.assertEqual(got["Checksum" + algorithm], put["Checksum" + algorithm])
        self.assertEqual(got["ChecksumSHA256"],
                         base64.b64encode(hashlib.sha256(data).digest()).decode())

    def test_wrong_header_checksum_is_bad_digest(self):
        with self.assertRaises(ClientError) as caught:
            self.s3.put_object(Bucket=BUCKET, Key="bad-crc", Body=b"hello",
                               ChecksumCRC32=crc32_b64(b"hellO"))
        self.assertEqual(caught.exception.response["Error"]["Code"], "BadDigest")
        self.assert_absent("bad-crc")

    def test_content_md5(self):
        self.s3.put_object(Bucket=BUCKET, Key="md5-good", Body=b"hello",
                           ContentMD5=base64.b64encode(hashlib.md5(b"hello").digest()).decode())
        self.assert_stored("md5-good", b"hello")
        for value, code in ((base64.b64encode(hashlib.md5(b"hellO").digest()).decode(),
                             "BadDigest"), ("not-an-md5", "InvalidDigest")):
            with self.assertRaises(ClientError) as caught:
                self.s3.put_object(Bucket=BUCKET, Key="md5-bad", Body=b"hello", ContentMD5=value)
            self.assertEqual(caught.exception.response["Error"]["Code"], code)
            self.assert_absent("md5-bad")

    def test_multipart_composite_checksum(self):
        key = "multipart"
        parts = [os.urandom(5 * 1024 * 1024), os.urandom(1000)]
        upload = self.s3.create_multipart_upload(Bucket=BUCKET, Key=key,
                                                 ChecksumAlgorithm="CRC32")
        done = []
        for number, data in enumerate(parts, 1):
            part = self.s3.upload_part(Bucket=BUCKET, Key=key, UploadId=upload["UploadId"],
                                       PartNumber=number, Body=data, ChecksumAlgorithm="CRC32")
            self.assertEqual(part["ChecksumCRC32"], crc32_b64(data))
            done.append({"PartNumber": number, "ETag": part["ETag"],
                         "ChecksumCRC32": part["ChecksumCRC32"]})
        self.s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload["UploadId"],
                                          MultipartUpload={"Parts": done})
        composite = zlib.crc32(b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts))
        head = self.s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"],
                         base64.b64encode(composite.to_bytes(4, "big")).decode() + "-2")


class DiscardEtags(unittest.TestCase):
    """Under `serve --discard` a signed PUT's ETag is the start of the SHA-256 its signature
    carried; a one-chunk signed aws-chunked body is held to its chunk's SHA-256 just as surely, so
    the same body gets the same ETag in both framings. Bodies of several chunks keep an MD5."""

    @classmethod
    def setUpClass(cls):
        cls.webhook = Webhook()
        cls.serve = Serve("--discard", "--notify", cls.webhook.url)
        cls.serve.client().create_bucket(Bucket=BUCKET)

    @classmethod
    def tearDownClass(cls):
        code, stderr = cls.serve.stop()
        cls.webhook.close()
        assert code == 0, stderr

    def event_etag(self, key):
        deadline = time.time() + 10
        while time.time() < deadline:
            for record in self.webhook.records():
                if record["s3"]["object"]["key"] == key:
                    return record["s3"]["object"]["eTag"]
            time.sleep(0.02)
        self.fail("no event for " + key)

    def streaming_etag(self, key, data, mode, chunk=65536):
        headers = {}
        status, body = chunked_request(self.serve.endpoint, key, data, mode, chunk=chunk,
                                       answer_headers=headers)
        self.assertEqual(status, 200, body)
        return headers["etag"]

    def test_one_chunk_gets_the_signed_put_etag(self):
        for name, data in (("1k", os.urandom(1024)), ("empty", b"")):
            expected = '"%s"' % hashlib.sha256(data).hexdigest()[:32]
            self.assertEqual(signed_put_etag(self.serve.endpoint, "signed-" + name, data),
                             expected)
            for mode in (SIGNED, SIGNED_TRAILER):
                key = "%s-%s" % (mode, name)
                self.assertEqual(self.streaming_etag(key, data, mode), expected, key)
                self.assertEqual(self.event_etag(key), expected.strip('"'), key)

    def test_several_chunks_keep_an_md5_etag(self):
        data = os.urandom(3000)
        expected = '"%s"' % hashlib.md5(data).hexdigest()
        self.assertEqual(self.streaming_etag("chunks", data, SIGNED, chunk=1024), expected)
        self.assertEqual(self.event_etag("chunks"), expected.strip('"'))

    def test_unsigned_chunks_keep_an_md5_etag(self):
        data = os.urandom(1024)
        expected = '"%s"' % hashlib.md5(data).hexdigest()
        self.assertEqual(self.streaming_etag("unsigned", data, UNSIGNED_TRAILER), expected)


if __name__ == "__main__":
    unittest.main()
