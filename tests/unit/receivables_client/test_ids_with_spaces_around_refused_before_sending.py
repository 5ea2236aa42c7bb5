"""A claim's, financing's, offer's or notice's id with spaces around it, as a table's column pasted gives, names no
record: no id the contract makes holds a space (``keys.new_id``, ``keys.child_id``). The SDK refuses it with a
ValueError naming the argument and the id and saying to remove the spaces, before anything is read or sent, in the
blocking and the async client alike, as the CLI does; sent as given, it came back not-found, as though the record
were not there."""

from __future__ import annotations

import asyncio
import re

import pytest

from client.receivables import AsyncReceivablesClient, ReceivablesClient

from . import fakes
from .test_async_client import FakeAsyncContract
from .test_client_calls import TERMS

R, F, O, D = "R-00000000000000a1", "F-00000000000000b1", "O-00000000000000c1", "D-00000000000000e1"

CALLS = [
    ("receivable_id", lambda c, x: c.get_receivable(x)),
    ("receivable_id", lambda c, x: c.history(x)),
    ("receivable_id", lambda c, x: c.provenance(x)),
    ("receivable_id", lambda c, x: c.receivable_endorsers(x)),
    ("receivable_id", lambda c, x: c.confirm(x)),
    ("receivable_id", lambda c, x: c.reject(x, "not owed")),
    ("receivable_id", lambda c, x: c.withdraw(x, "mistake")),
    ("receivable_id", lambda c, x: c.transfer(x, fakes.TIER2, 100)),
    ("receivable_id", lambda c, x: c.record_payment(x, 100)),
    ("receivable_id", lambda c, x: c.record_overdue(x)),
    ("receivable_id", lambda c, x: c.freeze(x, "ORDER-1")),
    ("receivable_id", lambda c, x: c.unfreeze(x, "ORDER-2")),
    ("receivable_id", lambda c, x: c.reseal_receivable(x)),
    ("receivable_id", lambda c, x: c.request_financing(x)),
    ("receivable_id", lambda c, x: c.accept_discount_offer(D, x)),
    ("receivable_id", lambda c, x: c.get_discount_offer(D, receivable_id=x)),
    ("receivable_id", lambda c, x: c.list_discount_offers(receivable_id=x)),
    ("offer_id", lambda c, x: c.accept_discount_offer(x, R)),
    ("offer_id", lambda c, x: c.get_discount_offer(x)),
    ("offer_id", lambda c, x: c.withdraw_discount_offer(x)),
    ("financing_id", lambda c, x: c.withdraw_financing(x)),
    ("financing_id", lambda c, x: c.make_offer(x, TERMS)),
    ("financing_id", lambda c, x: c.record_disbursement(x)),
    ("financing_id", lambda c, x: c.record_repayment(x)),
    ("financing_id", lambda c, x: c.cancel_financing(x, "no longer needed")),
    ("financing_id", lambda c, x: c.demand_recourse(x, "unpaid")),
    ("financing_id", lambda c, x: c.exercise_recourse(x, "unpaid")),
    ("financing_id", lambda c, x: c.get_financing(x)),
    ("financing_id", lambda c, x: c.get_disbursement(x)),
    ("offer_id", lambda c, x: c.accept_offer(x)),
    ("offer_id", lambda c, x: c.withdraw_offer(x, "repriced")),
    ("offer_id", lambda c, x: c.get_offer_terms(x)),
    ("notice_id", lambda c, x: c.acknowledge_assignment(x)),
    ("notice_id", lambda c, x: c.get_assignment_notice(x)),
]

IDS = {"receivable_id": R, "financing_id": F, "offer_id": O, "notice_id": "N-00000000000000d1"}
PADDINGS = [" {} ", "{}\t", "\n{}", "{}.1 "]


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("argument, call", CALLS, ids=[f"{a}-{i}" for i, (a, _) in enumerate(CALLS)])
def test_an_id_with_spaces_around_it_is_refused_naming_it_before_anything_is_sent(argument, call, padding):
    padded = padding.format(IDS[argument])
    said = "^" + re.escape(f"{argument} {padded!r} has spaces around it, which no {argument.replace('_', ' ')} "
                           f"holds: remove them: {padded.strip()!r}; nothing was sent") + "$"
    contract = fakes.FakeContract()
    with pytest.raises(ValueError, match=said):
        call(ReceivablesClient(contract), padded)
    assert contract.calls == []
    async_contract = FakeAsyncContract()
    with pytest.raises(ValueError, match=said):
        asyncio.run(call(AsyncReceivablesClient(async_contract), padded))
    assert async_contract.calls == []

