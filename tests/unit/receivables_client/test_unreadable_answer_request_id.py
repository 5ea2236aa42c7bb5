"""A submit that committed with an answer this client cannot read keeps the request id it sent on its
UnreadableAnswer, the fresh one a call without ``request_id`` made included.

Its error said that it committed and not to send it again as new, but without the id the caller could not read
what the call recorded (``client.request(id)``): the split a transfer made, its ``<id>.1`` and ``<id>.2``, was
only in the raw answer bytes.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from client.gateway import SubmitResult
from client.receivables import AsyncReceivablesClient, ReceivablesClient, UnreadableAnswer

from ..ledger_contract import LedgerContract
from . import test_exactly_once
from .fakes import FakeContract, receivable
from .test_async_client import FakeAsyncContract
from .test_unreadable_answers import NEW_FIELD, answers_as_a_newer_contract

world = test_exactly_once.world   # the fixture of the tests this extends


def test_a_split_committed_with_an_unreadable_answer_names_the_id_that_reads_its_record(world, monkeypatch):
    net, r = world
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    client = ReceivablesClient(LedgerContract(net.ledger, tier1.identity, lambda: net.now))
    sent = answers_as_a_newer_contract(monkeypatch, "TransferReceivable")
    with pytest.raises(UnreadableAnswer) as caught:
        client.transfer(r["id"], tier2.uscc, 3_000_000)
    unread = caught.value
    assert unread.committed and unread.request_id == sent[0]
    assert unread.__notes__ == [
        f"request id {sent[0]}: TransferReceivable committed; client.request({sent[0]!r}).result holds its "
        "answer as JSON, and a call again with that id changes nothing"]
    recorded = client.request(unread.request_id)
    assert recorded.tx_id == unread.transaction_id
    assert [c["id"] for c in recorded.result["children_records"]] == [f"{r['id']}.1", f"{r['id']}.2"]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["blocking", "async"])
def test_both_clients_keep_the_request_id_on_an_unreadable_answer_and_none_without_one(asynchronous):
    answer = SubmitResult(json.dumps({**receivable(), "allocations": [], NEW_FIELD: "x"}).encode(), "ab" * 32)
    responses = {"RecordPayment": answer, "ConfirmReceivable": answer}
    if asynchronous:
        contract = FakeAsyncContract(responses=responses)
        client = AsyncReceivablesClient(contract)

        def run(call):
            return asyncio.run(call(client))
    else:
        contract = FakeContract(responses=responses)
        client = ReceivablesClient(contract)

        def run(call):
            return call(client)

    with pytest.raises(UnreadableAnswer) as paid:
        run(lambda c: c.record_payment("R-00000000000000a1", 100, request_id="PAY-7"))
    assert paid.value.request_id == "PAY-7"
    with pytest.raises(UnreadableAnswer) as confirmed:   # a transaction that takes no request id
        run(lambda c: c.confirm("R-00000000000000a1", endorsing_organizations=["CoreEnterpriseMSP"]))
    assert not hasattr(confirmed.value, "request_id") and not getattr(confirmed.value, "__notes__", None)
