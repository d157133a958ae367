"""scripts/fuzz.sh's refusals, which CI's fuzz stage relies on: without clang++ it fails and says
so (rather than skipping the stage), and an unknown target is bad input (exit 2, naming it).
Neither builds anything: both stop before cmake runs."""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

SOURCE = Path(os.environ.get("S3STORM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
FUZZ_SH = SOURCE / "scripts" / "fuzz.sh"


def run_with_path(path_dir, *args):
    """fuzz.sh with PATH holding only `path_dir`, which has the tools it needs before its build."""
    return subprocess.run(["/bin/bash", str(FUZZ_SH), *args], capture_output=True, text=True,
                          timeout=30, env={"PATH": path_dir, "HOME": os.environ.get("HOME", "/")})


class FuzzScriptTest(unittest.TestCase):
    def setUp(self):
        self.tools = tempfile.TemporaryDirectory()
        self.addCleanup(self.tools.cleanup)
        os.symlink("/usr/bin/dirname", os.path.join(self.tools.name, "dirname"))

    def test_fails_naming_clang_when_it_is_missing(self):
        result = run_with_path(self.tools.name, "1")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("clang++ not found", result.stderr)
        self.assertFalse(result.stdout)

    def test_refuses_an_unknown_target(self):
        # A stand-in clang++: the target list is checked before anything is compiled.
        fake = os.path.join(self.tools.name, "clang++")
        with open(fake, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\nexit 1\n")
        os.chmod(fake, 0o755)
        result = run_with_path(self.tools.name, "1", "http_request", "no_such_parser")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("unknown target 'no_such_parser'", result.stderr)
        self.assertIn("http_response", result.stderr)  # the known ones are listed


if __name__ == "__main__":
    unittest.main()
