"""End-to-end checks of `s3storm validate`: exit status, the plan on stdout, one error per line."""

import os
import subprocess
import tempfile
import unittest

BIN = os.environ["S3STORM_BIN"]
SOURCE = os.environ["S3STORM_SOURCE_DIR"]
SCENARIOS = os.path.join(SOURCE, "scenarios")


def validate(*args, env=None):
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    run_env.update(env or {})
    return subprocess.run([BIN, "validate", *args], capture_output=True, text=True,
                          env=run_env, timeout=30, check=False)


class ValidateCli(unittest.TestCase):
    def write(self, text):
        handle = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        handle.write(text)
        handle.close()
        self.addCleanup(os.unlink, handle.name)
        return handle.name

    def test_every_shipped_scenario_validates_and_prints_a_plan(self):
        # localstack.yaml and minio.yaml need their target's env; tests/deploy validates them.
        names = sorted(n for n in os.listdir(SCENARIOS)
                       if n.endswith(".yaml") and n not in ("localstack.yaml", "minio.yaml"))
        for required in ("quickstart.yaml", "seed-walkthrough.yaml", "storm-mixed.yaml",
                         "multipart-heavy.yaml", "post-uploads.yaml", "ci-smoke.yaml"):
            self.assertIn(required, names)
        for name in names:
            with self.subTest(name=name):
                result = validate(os.path.join(SCENARIOS, name))
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("phase ", result.stdout)
                self.assertIn(": valid", result.stdout)
                self.assertEqual(result.stderr, "")

    def test_plan_shows_counts_bytes_and_events(self):
        result = validate(os.path.join(SCENARIOS, "seed-walkthrough.yaml"))
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout
        self.assertIn("target   embedded", out)
        self.assertIn("phase walkthrough: 1 iterations", out)
        self.assertIn("operations: copy 1, delete 1, multipart 1, post 1, put 1", out)
        self.assertIn("expected events: ObjectCreated:CompleteMultipartUpload 1, "
                      "ObjectCreated:Copy 1, ObjectCreated:Post 1, ObjectCreated:Put 1, "
                      "ObjectRemoved:Delete 1", out)

    def test_environment_and_set_change_the_plan(self):
        path = os.path.join(SCENARIOS, "storm-mixed.yaml")
        result = validate(path, "--set", "phases.storm.rate=1000/s", "--set",
                          "phases.storm.duration=10s",
                          env={"S3_ENDPOINT": "http://127.0.0.1:9000"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("target   http://127.0.0.1:9000", result.stdout)
        self.assertIn("phase storm: 10s; open loop from 1000/s", result.stdout)
        self.assertIn("iterations: ~10000", result.stdout)

    def test_all_errors_are_reported_one_per_line_with_exit_2(self):
        path = self.write("target: {bucket: b-1}\n"
                          "phases:\n"
                          "  - name: p\n"
                          "    iterations: 1\n"
                          "    concurency: 4\n"
                          "    flow:\n"
                          "      - delete: {key: last}\n"
                          "      - put: {key: \"{itr}\", size: 6GiB}\n")
        result = validate(path)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(lines, [
            f"{path}:5:5: unknown key 'concurency' in phase; did you mean 'concurrency'?",
            f"{path}:7:23: 'last' in 'key' refers to the key written by an earlier step of this "
            "flow, but no step before it in phase 'p' writes a key",
            f"{path}:8:20: unknown template variable '{{itr}}'; allowed: {{iter}}, {{seq}}, "
            "{worker}, {phase}, {rand:N}, {uuid}, {hash:N}, {last}",
            f"{path}: 3 problem(s) found",
        ])

    def test_a_search_on_events_without_an_event_source_is_refused(self):
        # Nothing would be expected, so "events.missing == 0" would hold on every probe.
        path = self.write("target: {bucket: b-1}\n"
                          "phases:\n"
                          "  - name: find\n"
                          "    search:\n"
                          "      rate: {from: 10/s, to: 100/s}\n"
                          "      probe: 1s\n"
                          "      until: [\"errors.rate < 0.01\", \"events.missing == 0\"]\n"
                          "    mix: [{put: {key: \"k-{seq}\", size: 1}}]\n")
        result = validate(path)
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.splitlines(), [
            f"{path}:7:37: 'until' measures events, but events.source is none (no event is "
            "expected, so it would always hold): set events.source, or drop "
            "'events.missing == 0'",
            f"{path}: 1 problem(s) found",
        ])

    def test_syntax_error_shows_position_and_line(self):
        path = self.write("phases:\n  - name: p\n    flow: [put: {key: x\n    iterations: 1\n")
        result = validate(path)
        self.assertEqual(result.returncode, 2)
        first = result.stderr.splitlines()[0]
        self.assertRegex(first, r"^.*\.yaml:\d+:\d+: YAML syntax error: ")

    def test_undefined_variable_and_unknown_set_path(self):
        path = self.write("target: {bucket: \"${NO_SUCH_VAR_X}\"}\n"
                          "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n")
        result = validate(path, "--set", "phases.q.rate=1/s")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--set phases.q.rate=1/s: no phase named 'q'; phases: p", result.stderr)
        self.assertIn(f"{path}:1:18: environment variable 'NO_SUCH_VAR_X' is not set",
                      result.stderr)

    def test_secrets_never_printed(self):
        path = self.write("target:\n"
                          "  bucket: b-1\n"
                          "  credentials: {access_key: AKIDX, secret_key: TOPSECRETVALUE}\n"
                          "phases: [{name: p, iterations: 1, flow: [{head: {key: k}}]}]\n")
        result = validate(path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("TOPSECRETVALUE", result.stdout + result.stderr)

    def test_missing_file_and_missing_argument(self):
        self.assertEqual(validate("/nonexistent/scenario.yaml").returncode, 2)
        self.assertEqual(validate().returncode, 2)


if __name__ == "__main__":
    unittest.main()
