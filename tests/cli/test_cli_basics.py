"""The command line's contract: --version, --help, and exit status 2 for bad usage."""
import os
import subprocess
import unittest

BIN = os.environ["S3STORM_BIN"]


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)


class CliBasics(unittest.TestCase):
    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.strip(), r"^s3storm \d+\.\d+\.\d+$")

    def test_help_lists_every_subcommand(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for sub in ("run", "validate", "serve", "listen", "sign", "merge"):
            self.assertIn(sub, r.stdout)

    def test_no_subcommand_is_a_usage_error(self):
        self.assertEqual(run().returncode, 2)

    def test_unknown_flag_is_a_usage_error(self):
        r = run("--no-such-flag")
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.strip())

    def test_unknown_subcommand_is_a_usage_error(self):
        self.assertEqual(run("frobnicate").returncode, 2)


if __name__ == "__main__":
    unittest.main()
