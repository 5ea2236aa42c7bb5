"""A closed stdout or stderr ends recfin with exit 141 also where click itself writes, outside a command's
invoke: the top-level --help and --version (read with recfin's own options), and the `Error:` line of a
command that failed, which click prints after the command has ended. There click ended the broken pipe with
exit 1, which several commands give a meaning of their own (a check or a finding failed)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cli.main import EXIT_READER_GONE
from tests.unit.cli.test_closed_pipe import ROOT, finished_together, start_into_a_closed_pipe

TOP_LEVEL = ["--help", "--version"]
ERRORS = {"usage error": ["no-such-command"], "command error": ["network", "status", "--json"]}


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    def home():
        return tmp_path_factory.mktemp("home")

    started = {option: start_into_a_closed_pipe(["-m", "cli", option], home()) for option in TOP_LEVEL}
    started.update({name: start_into_a_closed_pipe(["-m", "cli", *args], home(), closed="stderr")
                    for name, args in ERRORS.items()})
    # `recfin ... 2>&-`: no stderr at all, closed by a shell as a user's would. Not by a preexec_fn: that makes
    # subprocess fork this process and run Python in the child before exec, where gRPC's fork handlers, armed by
    # channels earlier tests opened here, can abort the child (SIGABRT) before recfin starts.
    started["stderr closed"] = subprocess.Popen(
        ["sh", "-c", 'exec "$@" 2>&-', "sh", sys.executable, "-m", "cli", "party", "get", "x"], cwd=ROOT,
        env={**os.environ, "RECFIN_HOME": str(home()), "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)
    return finished_together(started)


@pytest.mark.parametrize("option", TOP_LEVEL)
def test_the_top_level_help_and_version_into_a_closed_pipe_end_quietly(done, option):
    assert done[option].stderr.decode() == ""
    assert done[option].returncode == EXIT_READER_GONE


@pytest.mark.parametrize("error", ERRORS)
def test_an_error_line_into_a_closed_stderr_ends_as_a_reader_gone(done, error):
    """Exit 1 or 2 would say the command's failure was reported, which no one could read."""
    assert done[error].stdout.decode() == ""
    assert done[error].returncode == EXIT_READER_GONE


def test_a_command_started_with_stderr_closed_keeps_its_exit_status_and_its_stdout(done):
    """`recfin ... 2>&-` leaves sys.stderr None: every line meant for stderr failed the command with exit 1
    (`events --checkpoint` could never resume, its `resuming at` line failing), and click's error report
    would go to stdout. What is said on stderr goes nowhere instead."""
    assert done["stderr closed"].stdout.decode() == ""
    assert done["stderr closed"].returncode == 2   # the usage error it is, not a crash writing it
