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
from tests.unit.cli.test_closed_pipe import ROOT, run_into_a_closed_pipe


def run_with_stderr_closed(args: list[str], home) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)   # the reader of stderr is gone before the command writes a byte
    try:
        env = {**os.environ, "RECFIN_HOME": str(home), "PYTHONPATH": str(ROOT)}
        return subprocess.run([sys.executable, "-m", "cli", *args], stdout=subprocess.PIPE, stderr=write_end,
                              cwd=ROOT, env=env, timeout=300)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_the_top_level_help_and_version_into_a_closed_pipe_end_quietly(tmp_path, option):
    done = run_into_a_closed_pipe(["-m", "cli", option], tmp_path)
    assert done.stderr.decode() == ""
    assert done.returncode == EXIT_READER_GONE


@pytest.mark.parametrize("args", [["no-such-command"], ["network", "status", "--json"]],
                         ids=["usage error", "command error"])
def test_an_error_line_into_a_closed_stderr_ends_as_a_reader_gone(tmp_path, args):
    """Exit 1 or 2 would say the command's failure was reported, which no one could read."""
    done = run_with_stderr_closed(args, tmp_path)
    assert done.stdout.decode() == ""
    assert done.returncode == EXIT_READER_GONE


def test_a_command_started_with_stderr_closed_keeps_its_exit_status_and_its_stdout(tmp_path):
    """`recfin ... 2>&-` leaves sys.stderr None: every line meant for stderr failed the command with exit 1
    (`events --checkpoint` could never resume, its `resuming at` line failing), and click's error report
    would go to stdout. What is said on stderr goes nowhere instead."""
    env = {**os.environ, "RECFIN_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "cli", "party", "get", "x"], stdout=subprocess.PIPE,
                          preexec_fn=lambda: os.close(2), cwd=ROOT, env=env, timeout=300)
    assert done.stdout.decode() == ""
    assert done.returncode == 2   # the usage error it is, not a crash writing it
