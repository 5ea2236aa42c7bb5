"""``request(request_id)`` without ``party`` reads the caller's own request ids, as the contract takes it,
and its ``not-found`` says so, by the blocking and the async client alike, against the real contract.

The contract's "no attempt of it committed, so sending it again applies it once" is about the caller's own
ids: the regulator, which sends no call with a request id, asking about a supplier's call without ``party``
read it as a verdict on that call.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from client.receivables import (AsyncReceivablesClient, InvoiceInput, ReceivableRegistration,
                                ReceivablesClient, RuleViolation)

from ..ledger_contract import LedgerContract
from ..receivables.support import contract_hash, standard_net


class AsyncLedgerContract:
    """The async Contract's calls over a LedgerContract, each run in a thread (it runs its own event loop)."""

    def __init__(self, contract: LedgerContract) -> None:
        self.contract = contract
        self.chaincode_name = contract.chaincode_name

    async def submit(self, name, **options):
        return await asyncio.to_thread(self.contract.submit, name, **options)

    async def evaluate(self, name, **options):
        return await asyncio.to_thread(self.contract.evaluate, name, **options)


@pytest.fixture
def registered():
    """The standard network, on which tier1 registered a claim with request id ``reg-1``."""
    net = asyncio.run(standard_net())
    tier1, core = net.actors["tier1"], net.actors["core"]
    today = (net.now + timedelta(hours=8)).date()
    ReceivablesClient(LedgerContract(net.ledger, tier1.identity, lambda: net.now)).register_receivable(
        ReceivableRegistration(
            debtor=core.uscc, face_amount=100_000, currency="CNY", issue_date=today,
            due_date=today + timedelta(days=90),
            invoices=[InvoiceInput(number="26312000000000000001", date=today, amount=100_000, tax=0,
                                   currency="CNY", seller_tax_id=tier1.uscc, buyer_tax_id=core.uscc)],
            contract_hash=contract_hash()), request_id="reg-1")
    return net


def clients_of(net, actor: str):
    contract = LedgerContract(net.ledger, net.actors[actor].identity, lambda: net.now)
    return [lambda call: call(ReceivablesClient(contract)),
            lambda call: asyncio.run(call(AsyncReceivablesClient(AsyncLedgerContract(contract))))]


LEFT_OUT = ("(party left out, so these were the caller's own request ids: another party's call is read "
            "with party=")


@pytest.mark.parametrize("left_out", [None, ""])
def test_the_regulator_asking_without_party_is_told_it_read_its_own_request_ids(registered, left_out):
    tier1, regulator = registered.actors["tier1"], registered.actors["regulator"]
    for run in clients_of(registered, "regulator"):
        with pytest.raises(RuleViolation) as refused:
            run(lambda c: c.request("reg-1", party=left_out))
        assert refused.value.rule == "not-found"
        assert refused.value.detail.startswith(f"{regulator.uscc} has no request 'reg-1'")
        assert LEFT_OUT in refused.value.detail and LEFT_OUT in str(refused.value)
        assert refused.value.__cause__ is refused.value.gateway_error
        # named, the party's request is read
        assert run(lambda c: c.request("reg-1", party=tier1.uscc)).transaction == "RegisterReceivable"


def test_a_not_found_of_a_named_party_says_nothing_of_the_party_left_out(registered):
    tier1 = registered.actors["tier1"]
    for run in clients_of(registered, "regulator"):
        with pytest.raises(RuleViolation) as refused:
            run(lambda c: c.request("reg-2", party=tier1.uscc))
        assert refused.value.rule == "not-found" and "party left out" not in str(refused.value)


def test_a_party_reading_its_own_request_ids_gets_its_record_or_the_note(registered):
    for run in clients_of(registered, "tier1"):
        assert run(lambda c: c.request("reg-1")).transaction == "RegisterReceivable"
        with pytest.raises(RuleViolation, match=r"has no request 'reg-2'.*\(party left out"):
            run(lambda c: c.request("reg-2"))
