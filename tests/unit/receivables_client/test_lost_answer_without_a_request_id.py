"""A command that sends no request id (`receivable confirm`, `finance request`...) whose answer was lost after
the orderer may have taken its transaction says that it may have committed and how to find out: reported as it
was, `commit status not received` read as a failure, and an UNAVAILABLE as a network that is down, so the
change could be sent again after it took effect. A failure that proves nothing committed is reported as it is.
So is Ctrl-C once the orderer was handed the transaction, which the Gateway says on the interrupt: said only
"interrupted", the transaction id, the one way to learn whether it committed, was lost. Stopped while it was
endorsed, nothing reached the orderer and it cannot commit, which the line says with the way on (run it again),
where "interrupted" alone left an operator unable to tell whether a freeze took effect; a command that committed a
transaction of its own before the stop gives no such advice, which would apply that one twice. Over the real
contract on MemoryLedger (``channel``)."""

from __future__ import annotations

import re

import click
import grpc
import pytest
from click.testing import CliRunner

from client.gateway import CommitStatusError, EndorseError, SubmitError
from cli import connection

from ..ledger_contract import LedgerContract
from . import test_cli_and_contract_agree
from .test_cli_and_contract_agree import LOST_ANSWERS, registered
from .test_cli_party_commands import recfin

channel = test_cli_and_contract_agree.channel   # the fixture of the tests these extend

SEEN_IN_FLIGHT = [e for e in LOST_ANSWERS if isinstance(e, (CommitStatusError, SubmitError))]


def answer_lost(monkeypatch, transaction: str, error: Exception) -> None:
    """Every ``transaction`` commits, then fails with ``error`` as its answer is awaited."""
    submit = LedgerContract.submit

    def lost(self, name, **options):
        payload = submit(self, name, **options)
        if name == transaction:
            raise error
        return payload

    monkeypatch.setattr(LedgerContract, "submit", lost)


@pytest.mark.parametrize("error", SEEN_IN_FLIGHT, ids=lambda e: f"{type(e).__name__}-{e.code.name}")
def test_a_confirmation_whose_answer_was_lost_says_it_may_have_committed_and_how_to_find_out(
        channel, monkeypatch, error):
    rid = registered("26312000000012345678")
    answer_lost(monkeypatch, "ConfirmReceivable", error)
    res = recfin("receivable", "confirm", rid, "--as", "coreenterprise")
    assert res.exit_code == 1, res.output
    assert res.output.strip() == (
        f"Error: {connection.describe(error)} (transaction tx-lost may have committed all the same: `recfin "
        "transaction status tx-lost --as coreenterprise/treasurer` tells whether it did; read the record it "
        "changes, with its `get` command, before you send it again)")
    assert channel.document("recfin.receivable", rid)["status"] == "CONFIRMED"   # it had


@pytest.mark.parametrize("error", [
    EndorseError("endorsement timed out", transaction_id="tx-e", code=grpc.StatusCode.DEADLINE_EXCEEDED),
    SubmitError("access denied", transaction_id="tx-s", code=grpc.StatusCode.PERMISSION_DENIED),
], ids=["endorsement-failed", "submit-refused"])
def test_a_confirmation_that_failed_before_the_orderer_is_reported_as_it_is(channel, monkeypatch, error):
    rid = registered("26312000000012345678")

    def fails(self, name, **options):
        raise error

    monkeypatch.setattr(LedgerContract, "submit", fails)
    res = recfin("receivable", "confirm", rid, "--as", "coreenterprise")
    # the command's line names the gateway peer its session asked, which describe() outside it cannot
    said = re.sub(r"the gateway peer \S+ \(\S+\) it asked, or a node or chaincode server behind it,",
                  "a node or chaincode server", res.output.strip())
    assert res.exit_code == 1 and said == f"Error: {connection.describe(error)}", res.output
    assert channel.document("recfin.receivable", rid)["status"] == "REGISTERED"


def interrupted(monkeypatch, *, reached_the_orderer: bool) -> None:
    """Every submit is stopped by Ctrl-C as the Gateway stops it: after it committed, once the orderer was handed
    it; before, while it was endorsed (nothing sent)."""
    submit = LedgerContract.submit

    def stopped(self, name, **options):
        if reached_the_orderer:
            transaction_id = submit(self, name, **options).transaction_id
        else:
            transaction_id = "tx-endorsed"
        stop = KeyboardInterrupt()
        stop.transaction_id, stop.may_have_been_ordered = transaction_id, reached_the_orderer
        raise stop

    monkeypatch.setattr(LedgerContract, "submit", stopped)


def test_a_confirmation_stopped_after_the_orderer_took_it_names_its_transaction_and_how_to_find_out(
        channel, monkeypatch):
    rid = registered("26312000000012345678")
    interrupted(monkeypatch, reached_the_orderer=True)
    res = recfin("receivable", "confirm", rid, "--as", "coreenterprise")
    assert res.exit_code == 130, res.output
    transaction = channel.submits[-1].tx_id
    assert res.output.strip() == (
        f"Error: interrupted (transaction {transaction} may have committed all the same: `recfin transaction "
        f"status {transaction} --as coreenterprise/treasurer` tells whether it did; read the record it changes, "
        "with its `get` command, before you send it again)")
    assert channel.document("recfin.receivable", rid)["status"] == "CONFIRMED"   # it had


NEVER_SENT = ("Error: interrupted (transaction tx-endorsed was stopped before it reached the orderer, so it cannot "
              "commit: nothing changed; run the same command again)")


def test_a_confirmation_stopped_while_it_was_endorsed_says_it_cannot_commit(channel, monkeypatch):
    rid = registered("26312000000012345678")
    interrupted(monkeypatch, reached_the_orderer=False)
    res = recfin("receivable", "confirm", rid, "--as", "coreenterprise")
    assert res.exit_code == 130 and res.output.strip() == NEVER_SENT, res.output
    assert channel.document("recfin.receivable", rid)["status"] == "REGISTERED"


@pytest.mark.parametrize("command", [["regulator", "freeze", "{rid}", "--order", "(2026)沪01执123号",
                                      "--as", "regulator"],
                                     ["receivable", "overdue", "{rid}", "--as", "supplier"]],
                         ids=["regulator-freeze", "receivable-overdue"])
def test_a_change_stopped_while_it_was_endorsed_says_it_cannot_commit(channel, monkeypatch, command):
    rid = registered("26312000000012345678")
    before = len(channel.submits)
    interrupted(monkeypatch, reached_the_orderer=False)
    res = recfin(*(word.format(rid=rid) for word in command))
    assert res.exit_code == 130 and res.output.strip() == NEVER_SENT, res.output
    assert len(channel.submits) == before


def test_a_stop_before_the_orderer_after_the_command_committed_a_change_gives_no_advice_to_run_it_again(
        channel, monkeypatch):
    """A command of two changes stopped at its second: sent again, its first would apply twice."""
    first, second = registered("26312000000012345678"), registered("26312000000012345679")
    submit = LedgerContract.submit
    sent: list[str] = []

    def second_stopped(self, name, **options):
        if sent:
            stop = KeyboardInterrupt()
            stop.transaction_id, stop.may_have_been_ordered = "tx-endorsed", False
            raise stop
        result = submit(self, name, **options)
        sent.append(result.transaction_id)
        return result

    @click.command()
    @connection.acting("coreenterprise")
    def confirm_two(session, as_json) -> None:
        session.client.confirm(first)
        session.client.confirm(second)

    monkeypatch.setattr(LedgerContract, "submit", second_stopped)
    res = CliRunner().invoke(confirm_two, ["--as", "coreenterprise"])
    assert res.exit_code == 130, res.output
    assert res.output.strip() == (
        f"Error: interrupted (transaction tx-endorsed was stopped before it reached the orderer, so it cannot "
        f"commit; transaction {sent[0]}, which this command sent before it, committed)"), res.output
    assert [channel.document("recfin.receivable", rid)["status"] for rid in (first, second)] == [
        "CONFIRMED", "REGISTERED"]
