"""The SDK's retry of an unfreeze whose answer was lost, sent as its caller wrote it (no ``lifts``), is
refused ``lifting-sent-again`` by the contract: it lifted the order in effect, and sent again it would lift the order
queued behind it too, freeing a claim a court order still binds."""

from __future__ import annotations

import asyncio

import pytest

from client.receivables import ReceivablesClient, RuleViolation

from ..receivables.support import standard_net
from .test_exactly_once import FlakyContract

FIRST, SECOND = "(2026) Hu 0101 Bao 1", "(2026) Hu 0101 Bao 2"
LIFTING = "(2026) Hu 0101 Jie 1"


def test_the_sdks_retry_of_an_unfreeze_whose_answer_was_lost_frees_no_claim_another_order_binds():
    net = asyncio.run(standard_net())
    a = net.actors
    rid = asyncio.run(net.confirmed(a["tier1"], a["core"]))["id"]
    contract = FlakyContract(net.ledger, a["regulator"].identity, lambda: net.now)
    client = ReceivablesClient(contract)
    client.freeze(rid, FIRST)
    client.freeze(rid, SECOND)
    contract.lose_answer_after_commit = True
    with pytest.raises(TimeoutError):   # the lifting committed; its answer was lost
        client.unfreeze(rid, LIFTING)
    with pytest.raises(RuleViolation) as refusal:
        client.unfreeze(rid, LIFTING)
    assert refusal.value.rule == "lifting-sent-again"
    assert client.get_receivable(rid).frozen.order_reference == SECOND
