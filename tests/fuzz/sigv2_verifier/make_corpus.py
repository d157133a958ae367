#!/usr/bin/env python3
"""Writes the sigv2_verifier seed corpus: the S3 documentation's SigV2 examples (valid at the
fuzz target's fixed times), a share of the botocore vectors of tests/sigv2, and malformed heads.
Input format: tests/fuzz/request_head.hpp. Run from anywhere; rewrites its own files in corpus/ (fuzzer finds kept there stay)."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "..", "sigv2", "data", "botocore_v2_vectors.json")
AUTH = "Authorization: AWS AKIAIOSFODNN7EXAMPLE:"


def head(method, target, headers, body=""):
    lines = [f"{method} {target} HTTP/1.1"] + [f"{n}: {v}" for n, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def main():
    out = os.path.join(HERE, "corpus")
    os.makedirs(out, exist_ok=True)
    seeds = {
        # tests/sigv2/aws_examples_test.cpp
        "doc-object-get": head("GET", "/photos/puppy.jpg", [
            ("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:36:42 +0000"),
            ("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=")]),
        "doc-fetch-acl": head("GET", "/?acl", [
            ("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:44:46 +0000"),
            ("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:c2WLPFtWHVgbEmeEG93a4cG37dM=")]),
        "doc-list-all-buckets": head("GET", "/", [
            ("Host", "s3.amazonaws.com"), ("Date", "Wed, 28 Mar 2007 01:29:59 +0000"),
            ("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qGdzdERIC03wnaRNKh6OqZehG9s=")]),
        "doc-upload-amz-headers": head("PUT", "/db-backup.dat.gz", [
            ("User-Agent", "curl/7.15.5"), ("Host", "static.johnsmith.net:8080"),
            ("Date", "Tue, 27 Mar 2007 21:06:08 +0000"), ("x-amz-acl", "public-read"),
            ("content-type", "application/x-download"), ("Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="),
            ("X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"),
            ("X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"),
            ("X-Amz-Meta-FileChecksum", "0x02661779"), ("X-Amz-Meta-ChecksumAlgorithm", "crc32"),
            ("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:ilyl83RwaSoYIEdixDQcA4OnAnc=")]),
        "doc-presigned-url": head(
            "GET", "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&"
            "Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D", [("Host", "johnsmith.s3.amazonaws.com")]),
        "post-policy-body": head("POST", "/", [("Host", "s3.amazonaws.com"),
                                               ("Signature", "0RavWzkygo6QX9caELEqKi9kDbU=")],
                                 "eyJleHBpcmF0aW9uIjogIjIwMDctMTItMDFUMTI6MDA6MDAuMDAwWiJ9"),
        "malformed-no-colon": head("GET", "/", [("Date", "Tue, 27 Mar 2007 19:36:42 +0000"),
                                                ("Authorization", "AWS AKIAIOSFODNN7EXAMPLE")]),
        "malformed-no-date": head("GET", "/", [("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:x=")]),
        "x-amz-date": head("GET", "/b/k", [("x-amz-date", "20070327T193642Z"),
                                           ("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:x=")]),
        "expires-huge": head("GET", "/b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires="
                             "9223372036854775807&Signature=x", []),
        "expires-negative": head("GET", "/b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires="
                                 "-9223372036854775808&Signature=x", []),
    }
    with open(VECTORS) as f:
        vectors = json.load(f)
    taken = {"header": 0, "query": 0}
    for case in vectors["cases"]:
        kind = case["kind"]
        if kind not in taken or taken[kind] >= 10:
            continue
        headers = [tuple(h) for h in case["headers"]]
        if case["virtual_bucket"]:
            headers.insert(0, ("Host", case["virtual_bucket"] + ".s3.amazonaws.com"))
        seeds[f"botocore-{kind}-{taken[kind]}"] = head(case["method"], case["target"], headers)
        taken[kind] += 1
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".req"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
