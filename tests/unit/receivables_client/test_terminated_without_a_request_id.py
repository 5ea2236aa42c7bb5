"""A command that sends no request id (`receivable confirm`...) ended by SIGTERM (timeout(1), a stopped service)
or SIGHUP (its ssh session dropped) while it waits on the ledger stops as Ctrl-C stops it: once the orderer was
handed its transaction, its one line names the transaction and the `recfin transaction status` that tells whether
it committed, with the shell's code for the signal; ended at once by the signal's default action, the process left
no trace of a change that may have committed. Over the real contract on MemoryLedger (``channel``), with a real
signal sent to this process."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ..ledger_contract import LedgerContract
from . import test_cli_and_contract_agree
from .test_cli_and_contract_agree import registered
from .test_cli_party_commands import recfin

channel = test_cli_and_contract_agree.channel   # the fixture of the tests these extend


def signalled(monkeypatch, signum: int, *, reached_the_orderer: bool) -> None:
    """Every submit is ended by ``signum`` as it waits: after it committed, once the orderer was handed it; before,
    while it was endorsed. The interrupt it raises is annotated as the Gateway annotates one it passes on."""
    submit = LedgerContract.submit

    def stopped(self, name, **options):
        transaction_id = submit(self, name, **options).transaction_id if reached_the_orderer else "tx-endorsed"
        if signal.getsignal(signum) is signal.SIG_DFL:   # the signal would end the process, and this test
            raise AssertionError(f"{signal.Signals(signum).name} would end the command at once, saying nothing")
        try:
            os.kill(os.getpid(), signum)
            time.sleep(10)   # the handler raises in this thread before the sleep is over
        except KeyboardInterrupt as stop:
            stop.transaction_id, stop.may_have_been_ordered = transaction_id, reached_the_orderer
            raise
        raise AssertionError("the signal did not stop the wait")

    monkeypatch.setattr(LedgerContract, "submit", stopped)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_a_confirmation_ended_by_a_signal_after_the_orderer_took_it_names_its_transaction(
        channel, monkeypatch, signum):
    rid = registered("26312000000012345678")
    signalled(monkeypatch, signum, reached_the_orderer=True)
    res = recfin("receivable", "confirm", rid, "--as", "coreenterprise")
    assert res.exit_code == 128 + signum, res.output
    transaction = channel.submits[-1].tx_id
    assert res.output.strip() == (
        f"Error: terminated by {signal.Signals(signum).name} (transaction {transaction} may have committed all "
        f"the same: `recfin transaction status {transaction} --as coreenterprise/treasurer` tells whether it "
        "did; read the record it changes, with its `get` command, before you send it again)")
    assert channel.document("recfin.receivable", rid)["status"] == "CONFIRMED"   # it had
    assert signal.getsignal(signum) is signal.SIG_DFL   # the command left the signal as it found it


def test_a_confirmation_ended_by_sigterm_while_it_was_endorsed_says_it_cannot_commit(channel, monkeypatch):
    rid = registered("26312000000012345678")
    signalled(monkeypatch, signal.SIGTERM, reached_the_orderer=False)
    res = recfin("receivable", "confirm", rid, "--as", "coreenterprise")
    assert res.exit_code == 143 and res.output.strip() == (
        "Error: terminated by SIGTERM (transaction tx-endorsed was stopped before it reached the orderer, so it "
        "cannot commit: nothing changed; run the same command again)"), res.output
    assert channel.document("recfin.receivable", rid)["status"] == "REGISTERED"
