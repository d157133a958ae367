"""Differential test: `s3storm sign --json` against botocore's SigV4 signer.

Generates a seeded set of requests (methods, odd keys, repeated/empty query parameters, headers
with odd whitespace and duplicates, session tokens, signed/unsigned/precomputed payloads,
presigned URLs, and sqs/sns requests) and requires the signature, Authorization header (or
presigned URL) to equal botocore's for every one. A failing case is printed in full.

Run with /usr/bin/python3 (Debian's python3-botocore). S3STORM_BIN points at the binary;
S3STORM_DIFF_CASES and S3STORM_DIFF_SEED override the count and the seed.
"""
import concurrent.futures
import datetime
import hashlib
import json
import os
import random
import subprocess
import tempfile
import unittest
from unittest import mock

import botocore.auth
import botocore.config
import botocore.credentials
from botocore.awsrequest import AWSRequest

UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
KEY_CHARS = list("abcxyzABZ019-_.~/ +=%!*()$&,;:@'") + ["é", "ሴ", "😀", "ü"]
QUERY_NAMES = ["prefix", "max-keys", "uploads", "partNumber", "uploadId", "versionId", "list-type",
               "delimiter", "x-id", "Action", "a b", "k+v", "tilde~", "ü"]
QUERY_VALUE_CHARS = list("abcXYZ0123456789-_.~ +=/%*!é")
HEADER_NAMES = ["Content-Type", "x-amz-meta-color", "X-Amz-Meta-Color", "Cache-Control", "Range",
                "x-amz-storage-class", "Content-MD5", "If-Match", "x-amz-acl", "X-Custom-Thing"]
HEADER_VALUE_WORDS = ["text/plain", "a", "b  c", '"quoted   value"', "bytes=0-9", "STANDARD",
                      "no-cache", "max-age=60", "x", "1,2"]
SERVICES_NON_S3 = ["sqs", "sns"]
HOSTS = [("http", "127.0.0.1:9000"), ("http", "localhost"), ("https", "s3.us-east-1.amazonaws.com"),
         ("http", "[::1]:8080"), ("https", "Example.COM:443"), ("http", "example.com:80"),
         ("https", "bucket.s3.eu-west-1.amazonaws.com:8443")]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "local"]


def wire_encode(text, keep_slash, keep_delimiters=False):
    """The --url rule: keep %XX escapes, encode every other byte that is not unreserved."""
    out = []
    raw = text.encode("utf-8")
    i = 0
    while i < len(raw):
        c = chr(raw[i])
        if c in UNRESERVED or (keep_slash and c == "/") or (keep_delimiters and c in "=&"):
            out.append(c)
        elif c == "%" and i + 2 < len(raw) and all(chr(b) in "0123456789ABCDEFabcdef" for b in raw[i + 1:i + 3]):
            out.append(raw[i:i + 3].decode())
            i += 2
        else:
            out.append("%%%02X" % raw[i])
        i += 1
    return "".join(out)


def random_text(rng, chars, low, high):
    return "".join(rng.choice(chars) for _ in range(rng.randint(low, high)))


def odd_whitespace(rng, value):
    pad = lambda: rng.choice(["", " ", "  ", "\t", " \t "])
    inner = value.replace(" ", rng.choice([" ", "   ", "\t", " \t"]))
    return pad() + inner + pad()


def generate_case(rng, index):
    s3 = rng.random() < 0.85
    service = "s3" if s3 else rng.choice(SERVICES_NON_S3)
    presign = s3 and rng.random() < 0.15
    scheme, host = rng.choice(HOSTS)
    if s3:
        method = rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD"])
        key = random_text(rng, KEY_CHARS, 1, 24)
        path = "/bucket-%d/%s" % (rng.randint(0, 9), key)
        if rng.random() < 0.1:
            path = "/bucket/dir//a/./b/../c"  # S3 keeps dot segments and double slashes as sent
    else:
        method = "POST"
        path = rng.choice(["/", "/000000000000/queue-%d" % index, "//000000000000/./q/../queue"])
    params = []
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(QUERY_NAMES)
        if rng.random() < 0.2:
            params.append(name)  # a bare name is signed as "name="
        else:
            params.append(name + "=" + random_text(rng, QUERY_VALUE_CHARS, 0, 8))
    if rng.random() < 0.2 and params:
        params.append(params[0].split("=")[0] + "=" + random_text(rng, QUERY_VALUE_CHARS, 0, 4))  # repeated
    if presign:
        # botocore rebuilds a presigned query through parse_qs (which turns '+' into a space,
        # decodes %XX, replacing invalid UTF-8, and keeps one value per name), so presigned cases
        # use each name once and no '+' or '%'.
        seen, clean = set(), []
        for p in params:
            name = p.split("=")[0]
            if name not in seen and "+" not in p and "%" not in p:
                seen.add(name)
                clean.append(p if "=" in p else p + "=")
        params = clean
    query_raw = "&".join(wire_encode(p.split("=", 1)[0], False) + ("=" + wire_encode(p.split("=", 1)[1], False) if "=" in p else "")
                         for p in params)
    headers = []
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(HEADER_NAMES)
        headers.append((name, odd_whitespace(rng, rng.choice(HEADER_VALUE_WORDS))))
    if headers and rng.random() < 0.3:
        headers.append((headers[0][0].upper(), odd_whitespace(rng, rng.choice(HEADER_VALUE_WORDS))))  # duplicate
    if not s3:
        headers.append(("Content-Type", rng.choice(["application/x-www-form-urlencoded; charset=utf-8",
                                                     "application/x-amz-json-1.0"])))
    payload = "none" if presign else rng.choice(["body", "hash", "unsigned", "none"] if s3 else ["body", "hash", "unsigned"])
    body = b""
    if payload in ("body", "hash"):
        if s3:
            body = os.urandom(rng.randint(0, 300)) if rng.random() < 0.5 else random_text(rng, KEY_CHARS, 0, 50).encode()
        else:
            body = ("Action=SendMessage&MessageBody=" + wire_encode(random_text(rng, KEY_CHARS, 1, 20), False)).encode()
    token = None
    if rng.random() < 0.3:
        token = "FwoGZXIvYXdzE" + random_text(rng, list("ABCdef0123456789+/="), 20, 60)
    when = datetime.datetime(2013, 1, 1) + datetime.timedelta(seconds=rng.randint(0, 18 * 365 * 86400))
    return {
        "index": index, "service": service, "method": method, "scheme": scheme, "host": host,
        "path": path, "query": query_raw, "headers": headers, "payload": payload,
        "body_hex": body.hex(), "token": token, "time": when.strftime("%Y%m%dT%H%M%SZ"),
        "region": rng.choice(REGIONS), "presign": rng.randint(1, 604800) if presign else None,
        "access_key": "AKID" + random_text(rng, list("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 12, 16),
        "secret_key": random_text(rng, list("abcdefABCDEF0123456789/+"), 40, 40),
        # Half the S3 cases hand s3storm the raw key so its own --url encoding is exercised too.
        "raw_url_to_s3storm": s3 and rng.random() < 0.5 and not any(c in path for c in "%?#"),
    }


def wire_url(case):
    url = case["scheme"] + "://" + case["host"] + wire_encode(case["path"], True)
    return url + ("?" + case["query"] if case["query"] else "")


def s3storm_command(case, body_file):
    url = wire_url(case)
    if case["raw_url_to_s3storm"]:
        url = case["scheme"] + "://" + case["host"] + case["path"] + ("?" + case["query"] if case["query"] else "")
    cmd = [os.environ["S3STORM_BIN"], "sign", "--json", "--method", case["method"], "--url", url,
           "--region", case["region"], "--service", case["service"], "--time", case["time"],
           "--access-key", case["access_key"], "--secret-key", case["secret_key"]]
    for name, value in case["headers"]:
        cmd += ["--header", "%s:%s" % (name, value)]
    if case["token"]:
        cmd += ["--session-token", case["token"]]
    if case["presign"]:
        cmd += ["--presign", str(case["presign"])]
    if case["payload"] == "body":
        cmd += ["--body-file", body_file]
    elif case["payload"] == "hash":
        cmd += ["--payload-hash", hashlib.sha256(bytes.fromhex(case["body_hex"])).hexdigest()]
    elif case["payload"] == "unsigned":
        cmd += ["--unsigned-payload"]
    return cmd


class _FixedClock(datetime.datetime):
    now_value = None

    @classmethod
    def utcnow(cls):
        return cls.now_value


def botocore_sign(case):
    creds = botocore.credentials.Credentials(case["access_key"], case["secret_key"], case["token"])
    if case["presign"]:
        auth = botocore.auth.S3SigV4QueryAuth(creds, "s3", case["region"], expires=case["presign"])
    elif case["service"] == "s3":
        auth = botocore.auth.S3SigV4Auth(creds, "s3", case["region"])
    else:
        auth = botocore.auth.SigV4Auth(creds, case["service"], case["region"])
    request = AWSRequest(method=case["method"], url=wire_url(case), data=bytes.fromhex(case["body_hex"]))
    for name, value in case["headers"]:
        request.headers[name] = value  # HTTPHeaders appends, so duplicates stay duplicates
    if case["payload"] == "unsigned":
        if case["service"] == "s3":
            request.context["client_config"] = botocore.config.Config(s3={"payload_signing_enabled": False})
        else:
            request.context["payload_signing_enabled"] = False
    captured = {}
    original = auth.canonical_request

    def capture(req):
        captured["canonical_request"] = original(req)
        return captured["canonical_request"]

    auth.canonical_request = capture
    _FixedClock.now_value = datetime.datetime.strptime(case["time"], "%Y%m%dT%H%M%SZ")
    with mock.patch("botocore.auth.datetime.datetime", _FixedClock):
        auth.add_auth(request)
    return request, captured["canonical_request"]


def run_s3storm(case):
    with tempfile.NamedTemporaryFile(prefix="s3storm-diff-") as body:
        body.write(bytes.fromhex(case["body_hex"]))
        body.flush()
        cmd = s3storm_command(case, body.name)
        proc = subprocess.run(cmd, capture_output=True, timeout=30)
    return cmd, proc


class BotocoreDifferentialTest(unittest.TestCase):
    def test_signatures_equal_botocore(self):
        seed = int(os.environ.get("S3STORM_DIFF_SEED", "20240611"))
        count = int(os.environ.get("S3STORM_DIFF_CASES", "1200"))
        rng = random.Random(seed)
        cases = [generate_case(rng, i) for i in range(count)]
        kinds = {"presign": 0, "non_s3": 0, "token": 0, "unsigned": 0, "raw_url": 0}
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(run_s3storm, cases))
        for case, (cmd, proc) in zip(cases, results):
            kinds["presign"] += bool(case["presign"])
            kinds["non_s3"] += case["service"] != "s3"
            kinds["token"] += bool(case["token"])
            kinds["unsigned"] += case["payload"] == "unsigned"
            kinds["raw_url"] += case["raw_url_to_s3storm"]
            request, boto_creq = botocore_sign(case)
            detail = "seed %d case %d\ncase: %s\ncommand: %s\nstdout: %s\nstderr: %s\nbotocore canonical request:\n%s" % (
                seed, case["index"], json.dumps(case, ensure_ascii=False), cmd,
                proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"), boto_creq)
            self.assertEqual(proc.returncode, 0, detail)
            ours = json.loads(proc.stdout)
            self.assertEqual(ours["canonical_request"], boto_creq, detail)
            if case["presign"]:
                self.assertEqual(ours["url"], request.url, detail)
                self.assertEqual(ours["signature"], request.url.rsplit("X-Amz-Signature=", 1)[1], detail)
            else:
                self.assertEqual(ours["authorization"], request.headers["Authorization"], detail)
                self.assertEqual(ours["signature"], request.headers["Authorization"].rsplit("Signature=", 1)[1], detail)
                sent = {k.lower(): v for k, v in ours["headers"].items()}
                for name in ("X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token"):
                    self.assertEqual(sent.get(name.lower()), request.headers.get(name), detail + "\nheader " + name)
        # The generator must actually have produced every kind of case it claims to cover.
        for kind, n in kinds.items():
            self.assertGreater(n, count // 50, "too few %s cases: %d" % (kind, n))
        print("botocore differential: %d cases equal (%s)" % (count, kinds))


if __name__ == "__main__":
    unittest.main()
