"""`recfin discount accept` ended by SIGTERM (timeout(1), a stopped service) or SIGHUP (its terminal
closed) while its question waits for an answer stops as a command waiting on the ledger does: one line
naming the signal, with the shell's code for it (143, 129), nothing sent. click turns what interrupts its
prompt into Abort, which was taken for Ctrl-C ("Error: interrupted", exit 130), so a script or supervisor
saw a stop that never happened."""

from __future__ import annotations

import os
import signal
import time

import pytest
from click.testing import CliRunner

from cli.main import main
from . import test_cli_discount_accept_agreed as agreed

# the fixtures: a confirmed claim of supplier1's and the core enterprise's offer on it, priced on the
# channel's day
offered = agreed.offered
on_the_channels_day = agreed.on_the_channels_day


def _signalled_at_the_question(signum: int):
    """A terminal whose operator's session gets ``signum`` while the question waits for its answer."""

    class Terminal(agreed._Terminal):
        def _wait(self):
            if signal.getsignal(signum) is signal.SIG_DFL:   # the signal would end the test run itself
                raise AssertionError(f"{signal.Signals(signum).name} would end the command at once, "
                                     "saying nothing")
            os.kill(os.getpid(), signum)
            time.sleep(10)   # the handler raises in this thread before the sleep is over
            raise AssertionError("the signal did not stop the question")

        def read(self, size=-1):
            if size == 0:   # click's look at what kind of stream it is, before any question
                return b""
            self._wait()

        read1 = readline = read

        def readinto(self, _buffer):
            self._wait()

        readinto1 = readinto

    return Terminal(b"")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_a_signal_at_the_question_is_named_with_its_exit_code_and_nothing_is_sent(on_the_channels_day,
                                                                                  signum):
    channel, offer_id, claim = on_the_channels_day
    asked = CliRunner().invoke(main, ["discount", "accept", offer_id, claim, *agreed.HOLDER],
                               input=_signalled_at_the_question(signum))
    assert asked.exit_code == 128 + signum, asked.output
    assert f"accept {offer_id} on {claim} on these terms? [y/N]" in asked.stderr
    assert asked.stderr.splitlines()[-1] == f"Error: terminated by {signal.Signals(signum).name}"
    assert agreed._sent(channel) == []
    assert signal.getsignal(signum) is signal.SIG_DFL   # the command left the signal as it found it
