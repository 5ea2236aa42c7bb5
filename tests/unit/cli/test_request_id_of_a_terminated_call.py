"""A ledger call that SIGTERM (`timeout 30 recfin receivable pay ...`, a stopped job) or SIGHUP (its
terminal closed) cuts short names its request id, as one Ctrl-C cuts short does: ended at once, a call
without --request-id left no trace of the fresh id it sent, and the same command run again would apply it
twice.

Each test runs `exactly_once` in a child process whose call sends the signal to its own process while it
waits."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

STOPPED_WHILE_WAITING = '''
import os, signal, sys, time
import click
from cli.request_ids import exactly_once

received, ignored = getattr(signal, sys.argv[1]), sys.argv[2:]
for name in ignored:   # as nohup leaves SIGHUP: a handler the command did not set is kept
    signal.signal(getattr(signal, name), signal.SIG_IGN)


@click.command()
def main():
    def call(request_id):
        os.kill(os.getpid(), received)   # while the call waits for its commit status
        time.sleep(0 if ignored else 600)
        return request_id
    print("answered", exactly_once(None, call))
    print("handler after:", signal.getsignal(received) in (signal.SIG_DFL, signal.SIG_IGN))


main(args=[])
'''


def stopped(*signals: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", STOPPED_WHILE_WAITING, *signals], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_call_a_signal_ends_names_its_request_id_and_exits_with_the_signals_code(name):
    ran = stopped(name)
    assert ran.returncode == 128 + getattr(signal, name), (ran.returncode, ran.stderr)
    [line] = ran.stderr.splitlines()
    assert line.startswith(f"Error: terminated by {name} (request id ")
    request_id = line.split("(request id ", 1)[1].split(":", 1)[0]
    assert (f"it may have committed; run the same command with --request-id {request_id} to apply it at "
            f"most once, or `recfin request get {request_id}` to see whether it did)") in line


def test_a_signal_the_caller_ignores_stays_ignored_and_the_call_answers():
    ran = stopped("SIGHUP", "SIGHUP")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[0].startswith("answered ") and "handler after: True" in ran.stdout


def test_the_default_handlers_are_back_once_the_call_answered():
    from cli.request_ids import exactly_once

    assert exactly_once("order-7", lambda request_id: request_id) == "order-7"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
