"""An argument naming a record (a claim's id, a financing's, an offer's, a notice's, a party's credit code, a
client identity, an invoice fingerprint, a request id asked about) that is empty or blank names no record: the
SDK refuses it with a ValueError naming the argument before anything is read or sent, in the blocking and the
async client alike. Sent, it came back as the contract's answer about a record of no name, which for a transfer
``to=""`` advised registering the party "" first."""

from __future__ import annotations

import asyncio

import pytest

from client.receivables import AsyncReceivablesClient, ReceivablesClient

from . import fakes
from .test_async_client import FakeAsyncContract
from .record_id_calls import D, R, RECORD_ID_CALLS

CLIENT = "x509::CN=b::CN=ca"

# the other arguments naming a record: a party's credit code, a client identity, an invoice, a request
CALLS = RECORD_ID_CALLS + [
    ("to", lambda c, x: c.transfer(R, x, 100)),
    ("uscc", lambda c, x: c.get_party(x)),
    ("uscc", lambda c, x: c.bind_party_identity(x, CLIENT)),
    ("client_id", lambda c, x: c.unbind_party_identity(fakes.TIER1, x)),
    ("msp_id", lambda c, x: c.find_identity_party(x, CLIENT)),
    ("fingerprint", lambda c, x: c.find_invoice(x)),
    ("holder", lambda c, x: c.list_by_holder(x)),
    ("debtor", lambda c, x: c.list_by_debtor(x)),
    ("financier", lambda c, x: c.list_by_financier(x)),
    ("financier", lambda c, x: c.list_offers_by_financier(x)),
    ("debtor", lambda c, x: c.debtor_payment_record(x)),
    ("debtor", lambda c, x: c.financier_exposure(x)),
    ("request_id", lambda c, x: c.request(x)),
]


@pytest.mark.parametrize("blank", ["", "  "])
@pytest.mark.parametrize("argument, call", CALLS, ids=[f"{a}-{i}" for i, (a, _) in enumerate(CALLS)])
def test_an_empty_or_blank_id_is_refused_naming_it_before_anything_is_sent(argument, call, blank):
    contract = fakes.FakeContract()
    with pytest.raises(ValueError, match=rf"^{argument} '{blank}' names nothing"):
        call(ReceivablesClient(contract), blank)
    assert contract.calls == []
    async_contract = FakeAsyncContract()
    with pytest.raises(ValueError, match=rf"^{argument} '{blank}' names nothing"):
        asyncio.run(call(AsyncReceivablesClient(async_contract), blank))
    assert async_contract.calls == []


def test_optional_arguments_left_empty_are_still_sent_empty_or_left_out():
    contract = fakes.FakeContract(responses={"ListReceivablesByFinancier": fakes.page([]),
                                             "GetDiscountOffer": fakes.discount_offer()})
    client = ReceivablesClient(contract)
    client.list_by_financier(fakes.BANK, debtor="")
    client.get_discount_offer(D, receivable_id="")
    assert [c.arguments for c in contract.calls] == [[fakes.BANK, "", "20", ""], [D]]
