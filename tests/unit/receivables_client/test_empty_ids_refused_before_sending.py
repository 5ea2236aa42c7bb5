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
from .test_client_calls import TERMS

R, F, O, N = "R-00000000000000a1", "F-00000000000000b1", "O-00000000000000c1", "N-00000000000000d1"
D = "D-00000000000000e1"
CLIENT = "x509::CN=b::CN=ca"

CALLS = [
    ("receivable_id", lambda c, x: c.get_receivable(x)),
    ("receivable_id", lambda c, x: c.history(x)),
    ("receivable_id", lambda c, x: c.provenance(x)),
    ("receivable_id", lambda c, x: c.confirm(x)),
    ("receivable_id", lambda c, x: c.confirm(x, endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])),
    ("receivable_id", lambda c, x: c.reject(x, "not owed")),
    ("receivable_id", lambda c, x: c.withdraw(x, "mistake")),
    ("receivable_id", lambda c, x: c.transfer(x, fakes.TIER2, 100)),
    ("to", lambda c, x: c.transfer(R, x, 100)),
    ("receivable_id", lambda c, x: c.record_payment(x, 100)),
    ("receivable_id", lambda c, x: c.record_overdue(x)),
    ("receivable_id", lambda c, x: c.freeze(x, "ORDER-1")),
    ("receivable_id", lambda c, x: c.unfreeze(x, "ORDER-2")),
    ("receivable_id", lambda c, x: c.reseal_receivable(x)),
    ("receivable_id", lambda c, x: c.request_financing(x)),
    ("receivable_id", lambda c, x: c.accept_discount_offer(D, x)),
    ("offer_id", lambda c, x: c.accept_discount_offer(x, R)),
    ("financing_id", lambda c, x: c.withdraw_financing(x)),
    ("financing_id", lambda c, x: c.make_offer(x, TERMS)),
    ("financing_id", lambda c, x: c.record_disbursement(x)),
    ("financing_id", lambda c, x: c.record_repayment(x)),
    ("financing_id", lambda c, x: c.cancel_financing(x, "no longer needed")),
    ("financing_id", lambda c, x: c.exercise_recourse(x, "unpaid")),
    ("financing_id", lambda c, x: c.get_financing(x)),
    ("offer_id", lambda c, x: c.accept_offer(x)),
    ("offer_id", lambda c, x: c.withdraw_offer(x, "repriced")),
    ("offer_id", lambda c, x: c.get_offer_terms(x)),
    ("offer_id", lambda c, x: c.get_discount_offer(x)),
    ("offer_id", lambda c, x: c.withdraw_discount_offer(x)),
    ("notice_id", lambda c, x: c.acknowledge_assignment(x)),
    ("notice_id", lambda c, x: c.get_assignment_notice(x)),
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
