"""What an integrator gets wrong first is refused before anything is read or sent, in words that say what to pass.

A blank optional filter (a listing's debtor, the receivable a discount offer is read by, the bank an exposure is
of, the party a request is of) names no record: sent, the contract answered about a record of that name, so a
bank's offers on the debtor ``"  "`` came back as an empty page, as though it had none. ``None`` or ``""`` still
leaves the filter out. ``make_offer``'s ``exposure_version`` is checked with its terms, before the look-ups of the
orgs to name; and terms that are no FinancingTerms (the OfferTerms ``get_offer_terms`` reads, above all) are
refused saying what to pass instead."""

from __future__ import annotations

import asyncio

import pytest

from client.receivables import AsyncReceivablesClient, OfferTerms, ReceivablesClient

from . import fakes
from .fakes import BANK, CORE, FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import TERMS

D, F = "D-00000000000000e1", "F-00000000000000b1"

BLANK_FILTERS = [
    ("debtor", lambda c: c.list_by_financier(BANK, debtor="  ")),
    ("debtor", lambda c: c.list_offers_by_financier(BANK, debtor="  ")),
    ("debtor", lambda c: c.list_discount_offers("  ")),
    ("receivable_id", lambda c: c.list_discount_offers(CORE, receivable_id="  ")),
    ("receivable_id", lambda c: c.get_discount_offer(D, receivable_id="  ")),
    ("financier", lambda c: c.financier_exposure(CORE, financier="  ")),
    ("party", lambda c: c.request("order-7", party="  ")),
]


@pytest.mark.parametrize("argument, call", BLANK_FILTERS, ids=[f"{a}-{i}" for i, (a, _) in enumerate(BLANK_FILTERS)])
def test_a_blank_optional_filter_is_refused_naming_it_before_anything_is_sent(argument, call):
    contract = FakeContract()
    with pytest.raises(ValueError, match=rf"^{argument} '  ' names nothing"):
        call(ReceivablesClient(contract))
    assert contract.calls == []
    async_contract = FakeAsyncContract()
    with pytest.raises(ValueError, match=rf"^{argument} '  ' names nothing"):
        asyncio.run(call(AsyncReceivablesClient(async_contract)))
    assert async_contract.calls == []


def test_the_iterators_refuse_a_blank_filter_at_their_first_page():
    contract = FakeContract()
    client = ReceivablesClient(contract)
    with pytest.raises(ValueError, match="^debtor '  ' names nothing"):
        next(client.iter_offers_by_financier(BANK, "  "))
    with pytest.raises(ValueError, match="^debtor '  ' names nothing"):
        next(client.iter_discount_offers("  "))
    assert contract.calls == []


def test_left_out_filters_are_still_sent_empty_or_not_at_all():
    contract = FakeContract(responses={"GetFinancierExposure": fakes.financier_exposure(),
                                       "GetRequest": fakes.request_record(),
                                       "ListOffersByFinancier": {"records": [], "fetched": 0, "bookmark": ""}})
    client = ReceivablesClient(contract)
    client.financier_exposure(CORE, financier=None)
    client.request("split-0001", party="")
    client.list_offers_by_financier(BANK, debtor=None)
    assert [c.arguments for c in contract.calls] == [[CORE, ""], ["split-0001", ""], [BANK, "", "20", ""]]


LOOK_UPS = {"GetFinancing": {**fakes.financing(status="REQUESTED"), "offers": []},
            "GetReceivable": fakes.receivable(), "WhoAmI": fakes.party(msp_id="BankMSP", role="financier")}


@pytest.mark.parametrize("wrong, error", [(-1, ValueError), (10 ** 15, ValueError), ("7", TypeError),
                                          (7.0, TypeError), (True, TypeError)])
def test_an_exposure_version_that_is_no_version_is_refused_before_the_orgs_are_looked_up(wrong, error):
    contract = FakeContract(responses=dict(LOOK_UPS))
    with pytest.raises(error, match="exposure_version"):
        ReceivablesClient(contract).make_offer(F, TERMS, exposure_version=wrong)
    assert contract.calls == []
    async_contract = FakeAsyncContract(responses=dict(LOOK_UPS))
    with pytest.raises(error, match="exposure_version"):
        asyncio.run(AsyncReceivablesClient(async_contract).make_offer(F, TERMS, exposure_version=wrong))
    assert async_contract.calls == []


def test_offer_terms_as_read_given_where_terms_go_are_refused_saying_to_pass_them_as_a_request():
    read = OfferTerms.model_validate(fakes.terms())
    for call in (lambda c: c.record_disbursement(F, terms=read), lambda c: c.exercise_recourse(F, "unpaid", read),
                 lambda c: c.demand_recourse(F, "unpaid", read)):
        contract = FakeContract()
        with pytest.raises(TypeError, match=r"not OfferTerms .*pass terms\.as_request\(\), or leave terms out"):
            call(ReceivablesClient(contract))
        assert contract.calls == []
    with pytest.raises(TypeError, match=r"^make_offer takes FinancingTerms, not dict: build FinancingTerms\("):
        ReceivablesClient(FakeContract()).make_offer(F, {"advance_rate": "0.9"})
