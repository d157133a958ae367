"""The AWS conventions through the binary, against loopback stand-ins: `s3storm run` against
`s3storm serve` with credentials from a credential_process, from STS AssumeRoleWithWebIdentity
(a Python stand-in for STS) and from a container credentials endpoint (a stand-in for the ECS/EKS
agent). Each stand-in hands out serve's keys with a session token and an Expiration a few seconds
ahead, counts its calls, and checks what botocore would send; a run longer than the credentials'
lifetime must fetch them again mid-run without a failed request. Also: --profile picking the
endpoint and region, the scenario winning over the environment, validate naming the source, and
an unsupported profile kind refused by name (exit 2)."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import harness  # noqa: E402

ACCESS_KEY = "ASIASTANDIN"
SECRET_KEY = "stand-in-secret-never-printed"
ROLE_ARN = "arn:aws:iam::123456789012:role/s3storm-test"
WEB_TOKEN = "eyJ.stand-in.web-identity-token"
AGENT_TOKEN = "stand-in-agent-authorization"

SCENARIO = """
target:
{endpoint_line}
  bucket: creds
setup:
  buckets: [creds]
events:
  source: webhook
  listen: 127.0.0.1:{hook}
  grace: 10s
phases:
  - name: writes
    duration: {duration}
    rate: 40/s
    concurrency: 4
    flow:
      - put: {{ key: "p/{{iter}}", size: 100 }}
thresholds:
  - events.missing == 0
  - errors.count == 0
"""


def expiration(seconds):
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


class StandIn:
    """STS and the container agent on one loopback port. Every answer is counted; a request that
    is not what botocore would send is counted as a complaint and answered 400."""

    def __init__(self, lifetime_s):
        self.calls = {"sts": 0, "container": 0}
        self.complaints = []
        self.session_names = []
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body, content_type):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # STS AssumeRoleWithWebIdentity, unsigned
                form = urllib.parse.parse_qs(
                    self.rfile.read(int(self.headers["Content-Length"])).decode())
                expected = {"Action": ["AssumeRoleWithWebIdentity"], "Version": ["2011-06-15"],
                            "RoleArn": [ROLE_ARN], "WebIdentityToken": [WEB_TOKEN]}
                wrong = [k for k, v in expected.items() if form.get(k) != v]
                if wrong or "Authorization" in self.headers:
                    stand_in.complaints.append(f"STS request: {wrong}")
                    self.answer(400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code>"
                                     "<Message>bad request</Message></Error></ErrorResponse>",
                                "text/xml")
                    return
                stand_in.calls["sts"] += 1
                stand_in.session_names.append(form.get("RoleSessionName", [""])[0])
                self.answer(200, f"""<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>{ACCESS_KEY}</AccessKeyId>
      <SecretAccessKey>{SECRET_KEY}</SecretAccessKey>
      <SessionToken>sts-token-{stand_in.calls["sts"]}</SessionToken>
      <Expiration>{expiration(lifetime_s)}</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>""", "text/xml")

            def do_GET(self):  # the container agent
                if self.path != "/v2/credentials" or self.headers.get("Authorization") != AGENT_TOKEN:
                    stand_in.complaints.append(f"container request {self.path}")
                    self.answer(403, json.dumps({"code": "AccessDenied", "message": "no"}),
                                "application/json")
                    return
                stand_in.calls["container"] += 1
                self.answer(200, json.dumps({
                    "AccessKeyId": ACCESS_KEY, "SecretAccessKey": SECRET_KEY,
                    "Token": f"agent-token-{stand_in.calls['container']}",
                    "Expiration": expiration(lifetime_s)}), "application/json")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def clean_env(home, extra):
    """The process environment without any AWS_ variable, HOME in the test's directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = home
    env.update(extra)
    return env


def run(args, home, env, timeout=120):
    return subprocess.run([harness.BIN, *args], capture_output=True, text=True, timeout=timeout,
                          env=clean_env(home, env))


class AwsConventions(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="s3storm-aws-")
        os.makedirs(os.path.join(self.dir, ".aws"))
        self.hook = harness.free_port()
        self.serve = harness.EmbeddedServer("--notify", f"http://127.0.0.1:{self.hook}/",
                                            "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY)

    def tearDown(self):
        self.serve.stop()
        subprocess.run(["rm", "-rf", self.dir], check=False)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def scenario(self, with_endpoint=True, duration="2s"):
        line = f"  endpoint: {self.serve.endpoint}" if with_endpoint else "  region: from-scenario"
        return self.write("scenario.yaml", SCENARIO.format(endpoint_line=line, hook=self.hook,
                                                           duration=duration))

    def run_scenario(self, env, *flags, with_endpoint=True, duration="2s"):
        report_path = os.path.join(self.dir, "report.json")
        result = run(["run", self.scenario(with_endpoint, duration), "--quiet", "--json",
                      report_path, *flags], self.dir, env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn(SECRET_KEY, result.stdout + result.stderr)
        with open(report_path) as f:
            report = json.load(f)
        with open(report_path) as f:
            self.assertNotIn(SECRET_KEY, f.read())
        put = harness.op(report, 0, "put")
        self.assertGreater(put["count"], 0)
        self.assertEqual(put["errors"], 0)
        totals = report["events"]["totals"]
        self.assertEqual((totals["expected"], totals["delivered"], totals["missing"],
                          totals["unexpected"], totals["duplicate"]),
                         (put["count"], put["count"], 0, 0, 0))
        return report

    def credential_process(self, lifetime_s):
        """A credential_process script that counts its runs in a file next to it."""
        counter = os.path.join(self.dir, "process-calls")
        script = self.write("creds.py", f"""
import json, datetime
with open({counter!r}, "a") as f:
    f.write("x")
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds={lifetime_s})
print(json.dumps({{"Version": 1, "AccessKeyId": {ACCESS_KEY!r}, "SecretAccessKey": {SECRET_KEY!r},
                  "SessionToken": "process-token", "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}}))
""")
        return f"{sys.executable} {script}", counter

    def test_credential_process_profile_gives_endpoint_region_and_refreshed_credentials(self):
        command, counter = self.credential_process(lifetime_s=4)
        self.write(".aws/config", f"""[default]
region = not-this-one
[profile loadtest]
region = eu-west-3
credential_process = {command}
s3 =
  addressing_style = path
services = local
[services local]
s3 =
  endpoint_url = {self.serve.endpoint}
""")
        report = self.run_scenario({}, "--profile", "loadtest", with_endpoint=False, duration="6s")
        # The scenario names no endpoint: the profile's services section gives it; the scenario's
        # region wins over the profile's.
        self.assertEqual(report["meta"]["endpoint"], self.serve.endpoint)
        self.assertEqual(report["meta"]["region"], "from-scenario")
        with open(counter) as f:
            calls = len(f.read())
        # 4 s credentials over a 6 s phase (plus setup and grace): fetched again at least once.
        self.assertGreaterEqual(calls, 2)

    def test_web_identity_from_the_environment_at_a_sts_stand_in_refreshed_mid_run(self):
        token = self.write("web-token", WEB_TOKEN + "\n")
        with StandIn(lifetime_s=4) as sts:
            self.run_scenario({"AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": ROLE_ARN,
                               "AWS_ROLE_SESSION_NAME": "ci-run-7",
                               "AWS_ENDPOINT_URL_STS": sts.url}, duration="6s")
            self.assertEqual(sts.complaints, [])
            self.assertGreaterEqual(sts.calls["sts"], 2)
            self.assertEqual(set(sts.session_names), {"ci-run-7"})

    def test_web_identity_from_the_profile(self):
        token = self.write("web-token", WEB_TOKEN)
        with StandIn(lifetime_s=3600) as sts:
            self.write(".aws/config", f"""[profile eks]
role_arn = {ROLE_ARN}
web_identity_token_file = {token}
services = stand-ins
[services stand-ins]
sts =
  endpoint_url = {sts.url}
""")
            self.run_scenario({}, "--profile", "eks")
            self.assertEqual(sts.complaints, [])
            self.assertEqual(sts.calls["sts"], 1)  # an hour's credentials: no refresh
            self.assertTrue(sts.session_names[0].startswith("s3storm-"), sts.session_names)

    def test_container_credentials_full_uri_with_token_file_refreshed_mid_run(self):
        agent_token = self.write("agent-token", AGENT_TOKEN + "\n")
        with StandIn(lifetime_s=4) as agent:
            self.run_scenario({"AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url + "/v2/credentials",
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": agent_token},
                              duration="6s")
            self.assertEqual(agent.complaints, [])
            self.assertGreaterEqual(agent.calls["container"], 2)

    def test_the_scenario_endpoint_wins_over_the_environment(self):
        self.run_scenario({"AWS_ENDPOINT_URL": "http://127.0.0.1:1",
                           "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})

    def test_validate_names_the_profile_endpoint_region_and_source(self):
        command, counter = self.credential_process(lifetime_s=60)
        self.write(".aws/config", f"""[profile loadtest]
region = ap-southeast-2
endpoint_url = http://127.0.0.1:9555
credential_process = {command}
""")
        path = self.write("plain.yaml", SCENARIO.format(endpoint_line="  retries: 1", hook=1,
                                                        duration="1s"))
        result = run(["validate", path, "--profile", "loadtest"], self.dir, {})
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("http://127.0.0.1:9555 (region ap-southeast-2", result.stdout)
        self.assertIn("credentials: credential_process of profile 'loadtest'", result.stdout)
        self.assertFalse(os.path.exists(counter))  # validate fetches nothing

    def test_trigger_with_a_profile(self):
        command, _ = self.credential_process(lifetime_s=3600)
        self.write(".aws/config", f"""[profile loadtest]
endpoint_url = {self.serve.endpoint}
credential_process = {command}
""")
        body = self.write("hello.txt", "hello")
        result = run(["trigger", "--profile", "loadtest", "--bucket", "trig", "--put", body],
                     self.dir, {})
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("Done. Uploaded 5 bytes", result.stdout)

    def test_an_unsupported_profile_kind_is_named_and_nothing_is_sent(self):
        self.write(".aws/config", "[profile corp]\nsso_session = corp\nregion = us-east-1\n"
                                  "[profile chained]\nrole_arn = " + ROLE_ARN +
                   "\nsource_profile = default\n")
        for profile, kind in (("corp", "sso_session"), ("chained", "role_arn with source_profile")):
            result = run(["run", self.scenario(), "--quiet", "--profile", profile], self.dir, {})
            self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
            lines = result.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            self.assertIn(f"profile '{profile}' uses {kind}, which s3storm does not support",
                          lines[0])
            self.assertIn("credential_process", lines[0])
        # Nothing reached serve: no bucket was created.
        client = harness.boto3_client(self.serve.endpoint, ACCESS_KEY, SECRET_KEY)
        self.assertEqual(client.list_buckets()["Buckets"], [])
        client.close()

    def test_listen_and_sign_read_the_same_profile(self):
        self.write(".aws/config", "[profile corp]\nsso_session = corp\n"
                                  "[profile signer]\nregion = sa-east-1\n")
        self.write(".aws/credentials", "[signer]\naws_access_key_id = AKIDPROFILE\n"
                                       "aws_secret_access_key = " + SECRET_KEY + "\n")
        result = run(["listen", "--sqs", "http://127.0.0.1:1/000000000000/q", "--profile", "corp"],
                     self.dir, {}, timeout=30)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("profile 'corp' uses sso_session", result.stderr)
        result = run(["sign", "--method", "GET", "--url", "http://127.0.0.1/b/k", "--profile",
                      "signer", "--json"], self.dir, {"AWS_ACCESS_KEY_ID": "AKIDENV",
                                                      "AWS_SECRET_ACCESS_KEY": "x"})
        self.assertEqual(result.returncode, 0, result.stderr)
        # --profile wins over the environment's keys; the profile's region is the scope's.
        self.assertIn("Credential=AKIDPROFILE/", result.stdout)
        self.assertIn("/sa-east-1/s3/aws4_request", result.stdout)
        self.assertNotIn(SECRET_KEY, result.stdout + result.stderr)

    def test_a_failing_credential_process_is_one_line_exit_2_without_secrets(self):
        self.write(".aws/config", "[profile broken]\ncredential_process = sh -c 'exit 5'\n")
        result = run(["run", self.scenario(), "--quiet", "--profile", "broken"], self.dir, {})
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stderr.strip(),
                         "s3storm: credentials from credential_process of profile 'broken': "
                         "credential_process of profile 'broken' exited with status 5")


if __name__ == "__main__":
    unittest.main(verbosity=2)
