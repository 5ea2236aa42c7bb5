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


def run_into_a_closed_pipe(args: list[str], home: Path) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)   # the reader is gone before the command writes a byte
    try:
        env = {**os.environ, "RECFIN_HOME": str(home), "PYTHONPATH": str(ROOT)}
        return subprocess.run([sys.executable, *args], stdout=write_end, stderr=subprocess.PIPE, cwd=ROOT,
                              env=env, timeout=300)
    finally:
        os.close(write_end)


def test_a_ledger_documents_json_into_a_closed_pipe_ends_quietly(tmp_path):
    done = run_into_a_closed_pipe(["-c", LEDGER_COMMAND, "receivable", "get", "R-1", "--json"], tmp_path)
    assert done.stderr.decode() == ""
    assert done.returncode == EXIT_READER_GONE == 141


def test_an_offline_commands_output_into_a_closed_pipe_ends_quietly(tmp_path):
    done = run_into_a_closed_pipe(["-m", "cli", "network", "compose"], tmp_path)
    assert done.stderr.decode() == ""
    assert done.returncode == EXIT_READER_GONE


def test_a_passing_verification_into_a_closed_pipe_is_not_taken_for_failed_findings(tmp_path):
    """`invoice verify` exits 1 for findings that failed: a passing invoice whose report was cut off by its
    reader must not read as one."""
    sample = ROOT / "client/invoices/reference_data/samples/einvoice.xml"
    done = run_into_a_closed_pipe(["-m", "cli", "invoice", "verify", str(sample), "--today", "2026-11-30"],
                                  tmp_path)
    assert done.stderr.decode() == ""
    assert done.returncode == EXIT_READER_GONE


def test_an_error_of_the_command_itself_is_still_printed_when_stdout_is_closed(tmp_path):
    """Only a closed stdout or stderr is quiet: the command's own error goes on to stderr as before."""
    done = run_into_a_closed_pipe(["-m", "cli", "network", "status", "--json"], tmp_path)
    assert done.stderr.decode().startswith("Error: no network in ")
    assert done.returncode == 1
