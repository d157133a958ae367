"""Script tests of `s3storm sign`: output shape, the credential chain from the environment,
bad flags (one line, exit 2), and that the secret key never appears in any output."""
import json
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["S3STORM_BIN"]
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DOC_ARGS = ["--region", "us-east-1", "--time", "20130524T000000Z", "--access-key", "AKIAIOSFODNN7EXAMPLE",
            "--secret-key", SECRET]


def run(args, env=None):
    base = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir() + "/s3storm-no-home"}
    base.update(env or {})
    return subprocess.run([BIN, "sign"] + args, capture_output=True, text=True, env=base, timeout=30)


class SignCliTest(unittest.TestCase):
    def test_text_output_matches_the_s3_documentation(self):
        proc = run(["--method", "GET", "--url", "https://examplebucket.s3.amazonaws.com/test.txt",
                    "--header", "Range: bytes=0-9"] + DOC_ARGS)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Canonical request:\nGET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\n", proc.stdout)
        self.assertIn("Signature: f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", proc.stdout)
        self.assertIn("Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/", proc.stdout)
        self.assertNotIn(SECRET, proc.stdout + proc.stderr)

    def test_json_put_with_body_file_and_session_token(self):
        with tempfile.NamedTemporaryFile() as body:
            body.write(b"Welcome to Amazon S3.")
            body.flush()
            proc = run(["--method", "put", "--url", "http://127.0.0.1:9000/bucket/a b+c?uploads",
                        "--body-file", body.name, "--session-token", "TOKEN/+=", "--json"] + DOC_ARGS)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = json.loads(proc.stdout)
        self.assertEqual(set(out), {"canonical_request", "string_to_sign", "signature", "signed_headers",
                                    "authorization", "headers"})
        self.assertTrue(out["canonical_request"].startswith("PUT\n/bucket/a%20b%2Bc\nuploads=\nhost:127.0.0.1:9000\n"))
        self.assertEqual(out["headers"]["X-Amz-Content-SHA256"],
                         "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        self.assertEqual(out["headers"]["X-Amz-Security-Token"], "TOKEN/+=")
        self.assertEqual(out["headers"]["Host"], "127.0.0.1:9000")
        self.assertIn("x-amz-security-token", out["signed_headers"])
        self.assertNotIn(SECRET, proc.stdout + proc.stderr)

    def test_presign_json_has_url_and_no_authorization(self):
        proc = run(["--method", "GET", "--url", "https://examplebucket.s3.amazonaws.com/test.txt",
                    "--presign", "86400", "--json"] + DOC_ARGS)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = json.loads(proc.stdout)
        self.assertNotIn("authorization", out)
        self.assertTrue(out["url"].endswith("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))

    def test_credentials_and_region_from_the_environment(self):
        env = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": SECRET,
               "AWS_REGION": "us-east-1"}
        proc = run(["--method", "GET", "--url", "https://examplebucket.s3.amazonaws.com/test.txt",
                    "--header", "Range: bytes=0-9", "--time", "20130524T000000Z", "--json"], env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["signature"],
                         "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")

    def test_missing_credentials_name_where_it_looked(self):
        proc = run(["--method", "GET", "--url", "http://127.0.0.1/b/k", "--region", "us-east-1"])
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no AWS credentials found", proc.stderr)
        self.assertIn(".aws/credentials [default]", proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)

    def test_bad_flags_are_one_line_errors_with_exit_2(self):
        url = ["--url", "http://127.0.0.1/b/k"]
        bad = [
            (["--method", "GET", "--url", "ftp://x/y"] + DOC_ARGS, "--url"),
            (["--method", "GET"] + url + DOC_ARGS[:2] + ["--time", "2013-05-24"] + DOC_ARGS[4:], "--time"),
            (["--method", "GET"] + url + ["--payload-hash", "XYZ"] + DOC_ARGS, "--payload-hash"),
            (["--method", "GET"] + url + ["--header", "no colon"] + DOC_ARGS, "--header"),
            (["--method", "GET"] + url + ["--header", "X-Amz-Date: 1"] + DOC_ARGS, "X-Amz-Date"),
            (["--method", "GET"] + url + ["--presign", "604801"] + DOC_ARGS, "--presign"),
            (["--method", "GET"] + url + ["--presign", "60", "--unsigned-payload"] + DOC_ARGS, "--presign"),
            (["--method", "GET"] + url + ["--body-file", "/nonexistent/file"] + DOC_ARGS, "--body-file"),
            (["--method", "GET"] + url + ["--access-key", "AK", "--region", "us-east-1"], "--secret-key"),
            (["--method", "GET"] + url + ["--unsigned-payload", "--payload-hash", "0" * 64] + DOC_ARGS, "excludes"),
            (["--url", "http://127.0.0.1/b/k"] + DOC_ARGS, "--method"),
        ]
        for args, expected in bad:
            with self.subTest(args=args):
                proc = run(args)
                self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
                self.assertIn(expected, proc.stderr)
                self.assertNotIn(SECRET, proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
