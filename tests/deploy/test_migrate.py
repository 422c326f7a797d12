"""Several app servers starting together each run `make serve`, which migrates: on one empty
database, two migrate runs at once both succeed (the second waits for the first)."""

import subprocess
import sys

from tests.deploy.servers import ROOT, manage


def test_two_servers_migrating_at_once_both_succeed(make_site):
    site = make_site(empty=True)
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=site.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    manage("migrate", "--check", env=site.env())  # nothing left to apply
    assert site.sql("SELECT token FROM projects_dataversion")  # the data migrations ran once, whole
