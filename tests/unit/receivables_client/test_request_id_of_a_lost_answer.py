"""A call with a business request id whose answer was lost names its id, and the SDK refuses a bad id unsent.

A call made without ``request_id`` sends a fresh one it makes itself: when its commit status is lost, that id
is the only way to retry it at most once, so the error keeps it (``error.request_id``) and says how to use it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import grpc
import pytest

from client.gateway import CommitStatusError, EndorseError, SubmitError
from client.receivables import AsyncReceivablesClient, ReceivablesClient, may_have_committed

from ..ledger_contract import LedgerContract
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from ..receivables.support import standard_net
from .test_exactly_once import everything

TX = "ab" * 32


@pytest.fixture
def world():
    net = asyncio.run(standard_net())
    return net, asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_00))


@dataclass
class CommitStatusLost(LedgerContract):
    """The in-process Gateway Contract whose next submit commits, then loses its commit status."""

    lose_the_commit_status: bool = False
    sent: list[list[str]] = field(default_factory=list)

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None,
               retry=None) -> bytes:
        self.sent.append(list(arguments))
        payload = super().submit(name, arguments=arguments, transient=transient)
        if self.lose_the_commit_status:
            self.lose_the_commit_status = False
            raise CommitStatusError("commit status not received", transaction_id=TX,
                                    code=grpc.StatusCode.DEADLINE_EXCEEDED)
        return payload


def test_a_transfer_whose_commit_status_was_lost_names_the_id_it_made_and_a_retry_moves_nothing(world):
    net, r = world
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    contract = CommitStatusLost(net.ledger, tier1.identity, lambda: net.now)
    client = ReceivablesClient(contract)
    contract.lose_the_commit_status = True
    with pytest.raises(CommitStatusError) as lost:
        client.transfer(r["id"], tier2.uscc, 3_000_000)
    request_id = lost.value.request_id
    assert request_id == contract.sent[0][-1]   # the id the call made, kept on its error
    advice = f"request id {request_id}: it may have committed; call again with request_id='{request_id}'"
    assert any(advice in note for note in lost.value.__notes__)
    committed = everything(net)
    again = client.transfer(r["id"], tier2.uscc, 3_000_000, request_id=request_id)
    assert everything(net) == committed   # the first transfer's result, nothing moved twice
    assert again.children == [f"{r['id']}.1", f"{r['id']}.2"]


@pytest.mark.parametrize("error, noted", [
    (CommitStatusError("no block yet", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED), True),
    (SubmitError("orderer went away", transaction_id=TX, code=grpc.StatusCode.UNAVAILABLE), True),
    (SubmitError("not signed", transaction_id=TX, code=grpc.StatusCode.INVALID_ARGUMENT), False),
    (EndorseError("peer down", transaction_id=TX, code=grpc.StatusCode.UNAVAILABLE), False),
], ids=["commit-status-lost", "submit-cut-off", "submit-refused", "endorsement-failed"])
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_failed_payment_keeps_its_request_id_and_says_to_retry_with_it_only_when_it_may_have_committed(
        error, noted, asynchronous):
    contract = (FakeAsyncContract if asynchronous else FakeContract)(errors={"RecordPayment": error})
    client = (AsyncReceivablesClient if asynchronous else ReceivablesClient)(contract)
    with pytest.raises(type(error)) as failed:
        paid = client.record_payment("R-0123456789abcdef", 100)
        if asynchronous:
            asyncio.run(paid)
    sent = contract.only("submit").arguments[-1]
    assert failed.value.request_id == sent
    assert may_have_committed(failed.value) is noted
    assert any(f"request id {sent}: it may have committed" in note
               for note in getattr(failed.value, "__notes__", [])) is noted


@pytest.mark.parametrize("bad", ["order 7", "order-7\n", "a" * 129, "订单7", "order/7"])
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_request_id_the_contract_would_refuse_is_refused_before_anything_is_sent(bad, asynchronous):
    contract = (FakeAsyncContract if asynchronous else FakeContract)()
    client = (AsyncReceivablesClient if asynchronous else ReceivablesClient)(contract)
    with pytest.raises(ValueError, match=r"a request id is 1 to 128 letters, digits, .*nothing was sent"):
        moved = client.transfer("R-0123456789abcdef", "91320500MA1K00003D", 100, request_id=bad)
        if asynchronous:
            asyncio.run(moved)
    assert contract.calls == []


def test_a_request_id_as_long_as_the_contract_takes_is_sent_as_given():
    contract = FakeContract(errors={"TransferReceivable": EndorseError("stop here", transaction_id=TX)})
    with pytest.raises(EndorseError):
        ReceivablesClient(contract).transfer("R-0123456789abcdef", "91320500MA1K00003D", 100,
                                             request_id="PO:2026.0042_a-" + "x" * 113)
    assert contract.only("submit").arguments[-1] == "PO:2026.0042_a-" + "x" * 113
