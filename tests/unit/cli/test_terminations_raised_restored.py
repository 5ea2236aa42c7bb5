"""`terminations_raised` sets SIGTERM's and SIGHUP's handlers for a block and puts the defaults back after it. A
SIGTERM that came while SIGHUP's handler was being set (its own handler already set) raised before the block
began, so nothing put SIGTERM's default back: the process went on with a handler that turns every later SIGTERM
into an exception, where no command is there to say what the stop left."""
from __future__ import annotations

import signal

import pytest

from cli import request_ids
from cli.request_ids import Terminated, terminations_raised


@pytest.fixture(autouse=True)
def defaults_after():
    """The defaults put back whatever a test found: a handler left set would outlive it."""
    yield
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def test_a_sigterm_while_the_handlers_are_set_leaves_the_defaults_in_place(monkeypatch):
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL and signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
    set_handler = signal.signal

    def sigterm_as_sighup_is_set(signum, handler):
        previous = set_handler(signum, handler)
        if signum == signal.SIGHUP and handler is not signal.SIG_DFL:
            raise Terminated(signal.SIGTERM)     # as SIGTERM's handler, set a moment before, raises it
        return previous
    monkeypatch.setattr(request_ids.signal, "signal", sigterm_as_sighup_is_set)

    with pytest.raises(Terminated):
        with terminations_raised():
            pytest.fail("the block ran though the command was stopped before it")
    monkeypatch.undo()
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == (signal.SIG_DFL, signal.SIG_DFL)


def test_a_block_ended_puts_the_defaults_back():
    with terminations_raised():
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == (signal.SIG_DFL, signal.SIG_DFL)
