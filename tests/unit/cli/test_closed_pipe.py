"""A reader that stops reading (`recfin ... --json | head -1`) ends a command quietly with exit 141 (128 +
SIGPIPE, as a shell reports `cat` or `yes` ended so), where the commands' error wrappers took the
BrokenPipeError for the command's own failure and printed `Error: Broken pipe`, and where click's exit 1
read as what several commands mean by it (a check or a finding failed). Each test runs a real process whose
stdout is a pipe with its reading end already closed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import EXIT_READER_GONE

ROOT = Path(__file__).resolve().parents[3]

# A ledger command over the recording contract double (tests/unit/receivables_client/fakes.py): its
# document is read, and printing it is what fails.
LEDGER_COMMAND = '''
import sys
from contextlib import contextmanager
from cli import connection
from cli.main import main
from client.receivables import ReceivablesClient
from tests.unit.receivables_client import fakes
from tests.unit.receivables_client.test_cli import profile

contract = fakes.FakeContract()
contract.responses["GetReceivable"] = fakes.receivable()

@contextmanager
def open_session(org, user=None, data_root=None, *, admin=False):
    p = profile(org)
    yield connection.Session(ReceivablesClient(contract), p, p.users["u1"])

connection.open_session = open_session
connection.note_caller = lambda *args: None
main(sys.argv[1:], prog_name="recfin")
'''


def start(args: list[str], home: Path, **streams) -> subprocess.Popen:
    """``python ARGS`` in the project with RECFIN_HOME at ``home``; ``streams`` as subprocess.Popen takes them."""
    env = {**os.environ, "RECFIN_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, **streams)


def start_into_a_closed_pipe(args: list[str], home: Path, *, closed: str = "stdout") -> subprocess.Popen:
    """The ``closed`` stream ("stdout" or "stderr") is a pipe whose reader is gone; the other is read."""
    read_end, write_end = os.pipe()
    os.close(read_end)   # the reader is gone before the command writes a byte
    other = "stderr" if closed == "stdout" else "stdout"
    try:
        return start(args, home, **{closed: write_end, other: subprocess.PIPE})
    finally:
        os.close(write_end)


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def finished_together(started: dict[str, subprocess.Popen]) -> dict[str, subprocess.CompletedProcess]:
    """Processes started at once, each waited for: each is a Python importing recfin for a second or more of
    one core's time, which the machine's cores can spend side by side."""
    return {name: finish(process) for name, process in started.items()}


SAMPLE_INVOICE = ROOT / "client/invoices/reference_data/samples/einvoice.xml"
CASES = {
    "ledger json": ["-c", LEDGER_COMMAND, "receivable", "get", "R-1", "--json"],
    "offline": ["-m", "cli", "network", "compose"],
    "passing verification": ["-m", "cli", "invoice", "verify", str(SAMPLE_INVOICE), "--today", "2026-11-30"],
    "command error": ["-m", "cli", "network", "status", "--json"],
}


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    return finished_together({name: start_into_a_closed_pipe(args, tmp_path_factory.mktemp("home"))
                              for name, args in CASES.items()})


def test_a_ledger_documents_json_into_a_closed_pipe_ends_quietly(done):
    assert done["ledger json"].stderr.decode() == ""
    assert done["ledger json"].returncode == EXIT_READER_GONE == 141


def test_an_offline_commands_output_into_a_closed_pipe_ends_quietly(done):
    assert done["offline"].stderr.decode() == ""
    assert done["offline"].returncode == EXIT_READER_GONE


def test_a_passing_verification_into_a_closed_pipe_is_not_taken_for_failed_findings(done):
    """`invoice verify` exits 1 for findings that failed: a passing invoice whose report was cut off by its
    reader must not read as one."""
    assert done["passing verification"].stderr.decode() == ""
    assert done["passing verification"].returncode == EXIT_READER_GONE


def test_an_error_of_the_command_itself_is_still_printed_when_stdout_is_closed(done):
    """Only a closed stdout or stderr is quiet: the command's own error goes on to stderr as before."""
    assert done["command error"].stderr.decode().startswith("Error: no network in ")
    assert done["command error"].returncode == 1
