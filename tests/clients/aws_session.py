"""The aws CLI (Debian's awscli, the code /usr/bin/aws runs) as a session: reads one JSON list of
arguments a line, runs `aws <arguments>` with awscli.clidriver as /usr/bin/aws does, and answers
one JSON line {"rc", "stdout", "stderr"}. One interpreter for a whole walkthrough: starting
/usr/bin/aws costs seconds a command on a loaded two-core machine, which the suite cannot afford
forty times."""

import contextlib
import io
import json
import sys

import awscli.clidriver

for line in sys.stdin:
    args = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = awscli.clidriver.create_clidriver().main(args)
        except SystemExit as exit_:
            rc = exit_.code if isinstance(exit_.code, int) else 1
    sys.stdout.write(json.dumps({"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()})
                     + "\n")
    sys.stdout.flush()
