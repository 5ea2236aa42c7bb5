"""The SDK's business request id makes retries exactly-once, against the real contract on MemoryLedger.

``FlakyContract`` is the in-process Gateway Contract (tests/unit/ledger_contract.py) with two faults a network
has: it can lose an answer after the commit (the client sees a timeout, the ledger changed) or have an attempt
invalidated by an MVCC conflict (nothing committed) and resubmit the same arguments as a new transaction, as the
gateway's RetryPolicy does.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import pytest

from client.receivables import ReceivablesClient

from ..ledger_contract import LedgerContract
from ..receivables.support import standard_net


@dataclass
class FlakyContract(LedgerContract):
    lose_answer_after_commit: bool = False
    conflicts_before_commit: int = 0
    attempts: list[list[str]] = field(default_factory=list)

    def _run(self, submit, name, arguments, transient):
        self.attempts.append(list(arguments))
        return super()._run(submit, name, arguments, transient)

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None, retry=None) -> bytes:
        while self.conflicts_before_commit:  # endorsed, then invalidated (MVCC_READ_CONFLICT): resubmit, same args
            self.conflicts_before_commit -= 1
            self._run(False, name, arguments, transient)
        payload = super().submit(name, arguments=arguments, transient=transient)
        if self.lose_answer_after_commit:
            self.lose_answer_after_commit = False
            raise TimeoutError("commit status not received")
        return payload


def contract_of(net, actor) -> FlakyContract:
    return FlakyContract(net.ledger, actor.identity, lambda: net.now)


@pytest.fixture
def world():
    net = asyncio.run(standard_net())
    r = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_00))
    return net, r


def everything(net) -> tuple:
    return (dict(net.ledger.state), json.dumps(net.ledger.private_state, default=repr),
            {k: len(v) for k, v in net.ledger.history.items()}, len(net.ledger.events))


def test_a_transfer_whose_answer_was_lost_is_retried_once_with_its_request_id(world):
    net, r = world
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    contract = contract_of(net, tier1)
    client = ReceivablesClient(contract)
    contract.lose_answer_after_commit = True
    with pytest.raises(TimeoutError):
        client.transfer(r["id"], tier2.uscc, 3_000_000, request_id="order-7")
    committed = everything(net)
    again = client.transfer(r["id"], tier2.uscc, 3_000_000, request_id="order-7")
    assert everything(net) == committed  # no duplicate transfer
    assert again.children == [f"{r['id']}.1", f"{r['id']}.2"]
    assert [c.outstanding for c in again.children_records] == [3_000_000, 7_000_000]
    assert contract.attempts[0] == contract.attempts[1]  # the same arguments, request id included


def test_conflicting_attempts_of_one_call_share_its_request_id_and_take_effect_once(world):
    net, r = world
    core = net.actors["core"]
    contract = contract_of(net, core)
    contract.conflicts_before_commit = 2
    paid = ReceivablesClient(contract).record_payment(r["id"], 4_000_000)  # fen
    assert len(contract.attempts) == 3 and len({a[-1] for a in contract.attempts}) == 1  # one generated request id
    assert paid.outstanding == 6_000_000 and net.doc(r["id"])["outstanding"] == 6_000_000  # no lost payment
    assert len(net.doc(r["id"])["payments"]) == 1  # no double payment


def test_two_calls_without_a_request_id_are_two_requests(world):
    net, r = world
    core = net.actors["core"]
    client = ReceivablesClient(contract_of(net, core))
    client.record_payment(r["id"], 1)
    client.record_payment(r["id"], 1)
    assert len(net.doc(r["id"])["payments"]) == 2


def test_a_payment_names_its_own_transaction_on_a_split_claim_and_on_a_retry_answered_from_the_record(world):
    """A split claim is paid through its leaves and keeps the split as its last change: the result's tx_id is
    the payment's all the same, the first payment's when a retry with its request id is answered from the record."""
    net, r = world
    ReceivablesClient(contract_of(net, net.actors["tier1"])).transfer(r["id"], net.actors["tier2"].uscc, 3_000_000)
    client = ReceivablesClient(contract_of(net, net.actors["core"]))
    paid = client.record_payment(r["id"], 1_000_000, request_id="pay-7")
    payment_txs = {net.doc(leaf)["payments"][-1]["tx_id"] for leaf in (f"{r['id']}.1", f"{r['id']}.2")}
    assert paid.status == "SPLIT" and paid.last.tx_id not in payment_txs   # the claim's last change: the split
    assert {paid.tx_id} == payment_txs
    again = client.record_payment(r["id"], 1_000_000, request_id="pay-7")
    assert again.tx_id == paid.tx_id
    assert [p["amount"] for p in net.doc(f"{r['id']}.2")["payments"]] == [700_000]   # paid once
    leaf = client.record_payment(f"{r['id']}.2", 1)   # a claim not split: its last change is the payment
    assert leaf.tx_id == leaf.last.tx_id == net.doc(leaf.id)["payments"][-1]["tx_id"]
