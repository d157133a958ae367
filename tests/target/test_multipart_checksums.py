"""Multipart uploads with checksums against `s3storm serve`, as S3 answers them: ListParts shows
each part's checksum, CompleteMultipartUpload holds the part checksums its body names to the
stored parts (InvalidPart on a difference, the upload stays open) and answers the object's
checksum and type in its body, for COMPOSITE and FULL_OBJECT uploads. And S3's default since
2025: an object uploaded without a checksum gets a FULL_OBJECT CRC64NVME."""

import base64
import hashlib
import http.client
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from target_harness import ACCESS_KEY, SECRET_KEY, Serve, multipart_form

MiB = 1024 * 1024
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def crc64nvme(data):
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x9A6C9329AC4BC9B5 if crc & 1 else 0)
    return base64.b64encode((crc ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")).decode()


def crc32(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


class MultipartChecksums(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = Serve()
        cls.s3 = cls.serve.client()
        cls.s3.create_bucket(Bucket="parts")

    @classmethod
    def tearDownClass(cls):
        code, stderr = cls.serve.stop()
        assert code == 0, stderr

    def raw(self, method, path, query, body=b"", headers=None):
        url = "%s%s?%s" % (self.serve.endpoint, path, query)
        request = AWSRequest(method=method, url=url, data=body, headers={
            "x-amz-content-sha256": hashlib.sha256(body).hexdigest(), **(headers or {})})
        S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
        connection = http.client.HTTPConnection("127.0.0.1", self.serve.port, timeout=10)
        connection.request(method, path + "?" + query, body=body,
                           headers=dict(request.headers.items()))
        response = connection.getresponse()
        result = response.status, dict(response.getheaders()), response.read()
        connection.close()
        return result

    def upload_parts(self, key, bodies, algorithm="CRC32", checksum_type=None):
        headers = {"x-amz-checksum-algorithm": algorithm}
        if checksum_type:
            headers["x-amz-checksum-type"] = checksum_type
        status, _, answer = self.raw("POST", "/parts/" + key, "uploads", b"", headers)
        self.assertEqual(status, 200, answer)
        upload = ET.fromstring(answer).find(NS + "UploadId").text
        parts = []
        for number, body in enumerate(bodies, 1):
            sent = self.s3.upload_part(Bucket="parts", Key=key, UploadId=upload,
                                       PartNumber=number, Body=body, ChecksumAlgorithm=algorithm)
            parts.append({"PartNumber": number, "ETag": sent["ETag"],
                          "Checksum" + algorithm: sent["Checksum" + algorithm]})
        return upload, parts

    def complete_body(self, parts):
        out = "<CompleteMultipartUpload>"
        for part in parts:
            out += "<Part>" + "".join("<%s>%s</%s>" % (name, value, name)
                                      for name, value in part.items()) + "</Part>"
        return (out + "</CompleteMultipartUpload>").encode()

    def complete(self, key, upload, parts):
        return self.raw("POST", "/parts/" + key, "uploadId=" + upload, self.complete_body(parts))

    def test_composite_upload_lists_checks_and_answers_part_checksums(self):
        bodies = [b"a" * (5 * MiB), b"tail of the object"]
        upload, parts = self.upload_parts("composite", bodies)
        self.assertEqual([p["ChecksumCRC32"] for p in parts], [crc32(b) for b in bodies])

        listed = self.s3.list_parts(Bucket="parts", Key="composite", UploadId=upload)
        self.assertEqual([p.get("ChecksumCRC32") for p in listed["Parts"]],
                         [crc32(b) for b in bodies])
        # The upload's algorithm and type are named above the parts.
        status, _, answer = self.raw("GET", "/parts/composite", "uploadId=" + upload)
        self.assertEqual(status, 200, answer)
        result = ET.fromstring(answer)
        self.assertEqual((result.find(NS + "ChecksumAlgorithm").text,
                          result.find(NS + "ChecksumType").text), ("CRC32", "COMPOSITE"))

        # A part checksum that is not the stored part's: InvalidPart, and the upload stays open.
        wrong = [dict(parts[0]), dict(parts[1])]
        wrong[1]["ChecksumCRC32"] = crc32(b"something else")
        status, _, answer = self.complete("composite", upload, wrong)
        self.assertEqual(status, 400, answer)
        self.assertEqual(ET.fromstring(answer).find("Code").text, "InvalidPart")
        # The checksum of another algorithm than the upload's: likewise.
        other = [dict(parts[0]), {"PartNumber": 2, "ETag": parts[1]["ETag"],
                                  "ChecksumSHA1": base64.b64encode(
                                      hashlib.sha1(bodies[1]).digest()).decode()}]
        status, _, answer = self.complete("composite", upload, other)
        self.assertEqual(status, 400, answer)
        self.assertIn(ET.fromstring(answer).find("Code").text, ("InvalidPart", "InvalidRequest"))
        # A COMPOSITE upload's Complete must name every part's checksum.
        unnamed = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]
        status, _, answer = self.complete("composite", upload, unnamed)
        self.assertEqual(status, 400, answer)
        self.assertEqual(ET.fromstring(answer).find("Code").text, "InvalidRequest")
        self.assertEqual(len(self.s3.list_parts(Bucket="parts", Key="composite",
                                                UploadId=upload)["Parts"]), 2)
        # The whole object's checksum in a header: another value is BadDigest, another
        # algorithm InvalidRequest, and after either the upload is still open.
        raw_parts = b"".join(base64.b64decode(p["ChecksumCRC32"]) for p in parts)
        expected = crc32(raw_parts) + "-2"
        for header, code in ((crc32(b"not the parts") + "-2", "BadDigest"),):
            status, _, answer = self.raw("POST", "/parts/composite", "uploadId=" + upload,
                                         self.complete_body(parts),
                                         {"x-amz-checksum-crc32": header})
            self.assertEqual((status, ET.fromstring(answer).find("Code").text), (400, code))
        status, _, answer = self.raw("POST", "/parts/composite", "uploadId=" + upload,
                                     self.complete_body(parts),
                                     {"x-amz-checksum-sha256": base64.b64encode(
                                         hashlib.sha256(b"x").digest()).decode()})
        self.assertEqual((status, ET.fromstring(answer).find("Code").text),
                         (400, "InvalidRequest"))

        status, headers, answer = self.raw("POST", "/parts/composite", "uploadId=" + upload,
                                           self.complete_body(parts),
                                           {"x-amz-checksum-crc32": expected})
        self.assertEqual(status, 200, answer)
        result = ET.fromstring(answer)
        self.assertEqual(result.find(NS + "ChecksumCRC32").text, expected)
        self.assertEqual(result.find(NS + "ChecksumType").text, "COMPOSITE")
        self.assertEqual(headers.get("x-amz-checksum-crc32"), expected)
        head = self.s3.head_object(Bucket="parts", Key="composite", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], expected)

    def test_full_object_upload_answers_the_whole_body_checksum(self):
        bodies = [b"b" * (5 * MiB), b"the end"]
        upload, parts = self.upload_parts("full", bodies, "CRC32C", "FULL_OBJECT")
        listed = self.s3.list_parts(Bucket="parts", Key="full", UploadId=upload)
        self.assertTrue(all(p.get("ChecksumCRC32C") for p in listed["Parts"]), listed["Parts"])
        status, _, answer = self.raw("GET", "/parts/full", "uploadId=" + upload)
        result = ET.fromstring(answer)
        self.assertEqual((result.find(NS + "ChecksumAlgorithm").text,
                          result.find(NS + "ChecksumType").text), ("CRC32C", "FULL_OBJECT"))
        status, _, answer = self.complete("full", upload, parts)
        self.assertEqual(status, 200, answer)
        result = ET.fromstring(answer)
        self.assertEqual(result.find(NS + "ChecksumType").text, "FULL_OBJECT")
        whole = self.s3.head_object(Bucket="parts", Key="full",
                                    ChecksumMode="ENABLED")["ChecksumCRC32C"]
        self.assertEqual(result.find(NS + "ChecksumCRC32C").text, whole)
        self.assertFalse(whole.endswith("-2"))

    def test_without_a_checksum_s3_adds_a_full_object_crc64nvme(self):
        self.assertEqual(crc64nvme(b"123456789"),
                         base64.b64encode(bytes.fromhex("ae8b14860a799888")).decode())
        body = b"uploaded with no checksum at all"
        status, headers, answer = self.raw("PUT", "/parts/put-default", "", body)
        self.assertEqual(status, 200, answer)
        self.assertEqual((headers.get("x-amz-checksum-crc64nvme"),
                          headers.get("x-amz-checksum-type")), (crc64nvme(body), "FULL_OBJECT"))
        status, headers, _ = self.raw("HEAD", "/parts/put-default", "", b"",
                                      {"x-amz-checksum-mode": "ENABLED"})
        self.assertEqual((status, headers.get("x-amz-checksum-crc64nvme")),
                         (200, crc64nvme(body)))
        # A copy keeps it.
        self.s3.copy_object(Bucket="parts", Key="copy-default",
                            CopySource={"Bucket": "parts", "Key": "put-default"})
        status, headers, _ = self.raw("HEAD", "/parts/copy-default", "", b"",
                                      {"x-amz-checksum-mode": "ENABLED"})
        self.assertEqual(headers.get("x-amz-checksum-crc64nvme"), crc64nvme(body))

        # A multipart upload created without an algorithm: the whole object's CRC64NVME.
        upload = self.s3.create_multipart_upload(Bucket="parts", Key="plain")["UploadId"]
        sent = self.s3.upload_part(Bucket="parts", Key="plain", UploadId=upload, PartNumber=1,
                                   Body=b"only part")
        status, _, answer = self.complete("plain", upload,
                                          [{"PartNumber": 1, "ETag": sent["ETag"]}])
        self.assertEqual(status, 200, answer)
        result = ET.fromstring(answer)
        self.assertIsNone(result.find(NS + "ChecksumCRC32"))
        self.assertEqual(result.find(NS + "ChecksumCRC64NVME").text, crc64nvme(b"only part"))
        self.assertEqual(result.find(NS + "ChecksumType").text, "FULL_OBJECT")
        with self.assertRaises(ClientError):
            self.s3.list_parts(Bucket="parts", Key="plain", UploadId=upload)
        # Without x-amz-checksum-mode, GET says nothing about it.
        status, headers, _ = self.raw("GET", "/parts/plain", "", b"")
        self.assertNotIn("x-amz-checksum-crc64nvme", headers)

    def post(self, key, body, fields=None):
        """A browser-form upload with the policy signed for `fields`: (status, headers, body)."""
        fields = fields or {}
        presigned = self.s3.generate_presigned_post(
            "parts", key, Fields=fields, Conditions=[{k: v} for k, v in fields.items()],
            ExpiresIn=300)
        form, content_type = multipart_form(presigned["fields"], "file.bin", body)
        request = urllib.request.Request(presigned["url"], data=form, method="POST",
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def test_post_answers_its_checksum_and_holds_a_form_field_to_it(self):
        body = b"posted through a browser form"
        status, headers, _ = self.post("posted-default", body)
        self.assertEqual((status, headers.get("x-amz-checksum-crc64nvme"),
                          headers.get("x-amz-checksum-type")),
                         (204, crc64nvme(body), "FULL_OBJECT"))
        status, headers, _ = self.post("posted-crc32", body, {"x-amz-checksum-crc32": crc32(body)})
        self.assertEqual((status, headers.get("x-amz-checksum-crc32")), (204, crc32(body)))
        head = self.s3.head_object(Bucket="parts", Key="posted-crc32", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], crc32(body))
        status, _, answer = self.post("posted-wrong", body,
                                      {"x-amz-checksum-crc32": crc32(b"other bytes")})
        self.assertEqual((status, ET.fromstring(answer).find("Code").text), (400, "BadDigest"))
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket="parts", Key="posted-wrong")


if __name__ == "__main__":
    unittest.main()
