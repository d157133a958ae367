"""Writes botocore_v2_vectors.json: seeded requests signed by botocore's own SigV2 signers
(HmacV1Auth for the Authorization header, HmacV1QueryAuth for presigned URLs, HmacV1PostAuth for
POST policies), for botocore_vectors_test.cpp to verify with s3storm's SigV2 verifier.

Run with /usr/bin/python3 (Debian's python3-botocore):
  /usr/bin/python3 tests/sigv2/data/make_botocore_vectors.py > tests/sigv2/data/botocore_v2_vectors.json
"""
import json
import random
import sys
from unittest import mock
from urllib.parse import quote, urlsplit

import botocore
import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
NOW = 1796361600  # 2026-12-04T05:20:00Z: the tests verify at this time
DATE = "Fri, 04 Dec 2026 05:20:00 GMT"
KEY_CHARS = list("abcxyzABZ019-_.~/ +=!*()$&,;:@'") + ["é", "ሴ", "😀", "ü"]
SUBRESOURCES = ["acl", "uploads", "uploadId=2~abc", "partNumber=3", "versionId=v 1",
                "tagging", "response-content-type=text/plain; charset=utf-8",
                "response-content-disposition=attachment; filename=\"a b.txt\"", "restore",
                "delete", "location", "versioning", "cors", "lifecycle", "notification",
                "policy", "website", "torrent", "logging", "requestPayment", "versions"]
OTHER_QUERY = ["prefix=a/b", "max-keys=10", "list-type=2", "delimiter=/", "x-id=GetObject",
               "marker=m n"]
HEADER_CHOICES = [("Content-Type", ["text/plain", "image/jpeg", "application/x-download"]),
                  ("Content-MD5", ["4gJE4saaMU4BqNR0kLY+lw==", "1B2M2Y8AsgTpgAmY7PhCfg=="]),
                  ("x-amz-acl", ["public-read", "private"]),
                  ("X-Amz-Meta-Color", ["red", " padded  value "]),
                  ("x-amz-meta-reviewedby", ["joe@example.com"]),
                  ("x-amz-storage-class", ["STANDARD"]),
                  ("x-amz-copy-source", ["/src/key%20a"]),
                  ("Cache-Control", ["no-cache"])]


def random_key(rng):
    return "".join(rng.choice(KEY_CHARS) for _ in range(rng.randint(1, 12)))


def make_request(rng):
    bucket = rng.choice(["bucket", "my.bucket", "b-1"])
    virtual = rng.random() < 0.3
    key = random_key(rng) if rng.random() < 0.85 else ""
    encoded = quote(key, safe="/~")
    path = "/" + encoded if virtual else "/%s/%s" % (bucket, encoded) if key else "/" + bucket
    query = []
    for _ in range(rng.randint(0, 3)):
        query.append(rng.choice(SUBRESOURCES if rng.random() < 0.6 else OTHER_QUERY))
    query_text = "&".join(
        q.split("=", 1)[0] + ("=" + quote(q.split("=", 1)[1], safe="") if "=" in q else "")
        for q in query)
    host = "%s.localhost:9000" % bucket if virtual else "127.0.0.1:9000"
    url = "http://%s%s%s" % (host, path, "?" + query_text if query_text else "")
    headers = {}
    for name, values in rng.sample(HEADER_CHOICES, rng.randint(0, 4)):
        headers[name] = rng.choice(values)
    method = rng.choice(["GET", "PUT", "HEAD", "DELETE", "POST"])
    request = AWSRequest(method=method, url=url, headers=headers, data=b"")
    if virtual:
        request.auth_path = "/%s%s" % (bucket, path)
    return request, bucket if virtual else ""


def header_list(request):
    return [[name, value] for name, value in request.headers.items()]


def main():
    rng = random.Random(20261204)
    credentials = botocore.credentials.Credentials(ACCESS_KEY, SECRET)
    cases = []
    with mock.patch("botocore.auth.formatdate", return_value=DATE), \
            mock.patch("time.time", return_value=NOW):
        for i in range(300):
            request, virtual_bucket = make_request(rng)
            query_auth = i % 3 == 2
            signer = (botocore.auth.HmacV1QueryAuth(credentials, expires=600) if query_auth
                      else botocore.auth.HmacV1Auth(credentials))
            split = urlsplit(request.url)
            expected = signer.canonical_string(request.method, split, request.headers,
                                               auth_path=request.auth_path)
            signer.add_auth(request)
            split = urlsplit(request.url)
            target = split.path + ("?" + split.query if split.query else "")
            headers = header_list(request)
            if query_auth:
                # The URL carries the date (Expires) and the signature; the client sends the
                # other headers it signed.
                headers = [[n, v] for n, v in headers if n != "Date"]
            cases.append({"kind": "query" if query_auth else "header", "method": request.method,
                          "target": target, "virtual_bucket": virtual_bucket,
                          "headers": headers, "string_to_sign": expected})
        for i in range(20):
            conditions = [{"bucket": "bucket"}, ["starts-with", "$key", "up/"]]
            if i % 2:
                conditions.append(["content-length-range", 0, 1000 + i])
            request = AWSRequest(method="POST", url="http://127.0.0.1:9000/bucket")
            request.context["s3-presign-post-fields"] = {"key": "up/%d" % i}
            request.context["s3-presign-post-policy"] = {
                "expiration": "2026-12-04T06:%02d:00Z" % i, "conditions": conditions}
            botocore.auth.HmacV1PostAuth(credentials).add_auth(request)
            fields = request.context["s3-presign-post-fields"]
            cases.append({"kind": "post", "policy": fields["policy"],
                          "access_key": fields["AWSAccessKeyId"],
                          "signature": fields["signature"]})
    json.dump({"botocore": botocore.__version__, "now": NOW, "access_key": ACCESS_KEY,
               "secret": SECRET, "cases": cases}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
