"""``endorsing_organizations``, where a call takes it, names the orgs whose peers endorse or answer: an empty list,
or one holding an empty or blank name, names none, and is refused before anything is sent. Sent, ``[]`` was taken
as no choice at all, so the Gateway planned the orgs itself: a confirmation went to orgs an audit does not take,
and an auditor whose list of its own orgs came out empty read the claim from any org's peer, unawares."""

from __future__ import annotations

import asyncio

import pytest

from client.receivables import ArgumentRefused, ArgumentTypeRefused, AsyncReceivablesClient, ReceivablesClient

from . import fakes
from .fakes import TIER1, FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import TERMS
from .test_sync_and_async_refuse_alike import ANSWERS

R, F = "R-00000000000000a1", "F-00000000000000b1"
CALLS = {
    "register_party": lambda c, orgs: c.register_party(TIER1, "Tier", "supplier", "SupplierMSP", ["x509::CN=a::CN=b"],
                                                       endorsing_organizations=orgs),
    "confirm": lambda c, orgs: c.confirm(R, endorsing_organizations=orgs),
    "make_offer": lambda c, orgs: c.make_offer(F, TERMS, orgs),
    "record_disbursement": lambda c, orgs: c.record_disbursement(F, TERMS, orgs),
    "cancel_financing": lambda c, orgs: c.cancel_financing(F, "why", orgs),
    "demand_recourse": lambda c, orgs: c.demand_recourse(F, "why", TERMS, orgs),
    "exercise_recourse": lambda c, orgs: c.exercise_recourse(F, "why", TERMS, orgs),
    "reseal_receivable": lambda c, orgs: c.reseal_receivable(R, endorsing_organizations=orgs),
    "get_receivable": lambda c, orgs: c.get_receivable(R, endorsing_organizations=orgs),
    "history": lambda c, orgs: c.history(R, endorsing_organizations=orgs),
    "receivable_endorsers": lambda c, orgs: c.receivable_endorsers(R, endorsing_organizations=orgs),
    "find_invoice": lambda c, orgs: c.find_invoice("f" * 64, endorsing_organizations=orgs),
    "party_history": lambda c, orgs: c.party_history(TIER1, endorsing_organizations=orgs),
}


def raised(call, orgs) -> list[tuple[type, str]]:
    """What ``call`` with ``orgs`` raised on a blocking and an async client, each of which must have sent nothing."""
    found = []
    for contract, client_class in ((FakeContract(responses=ANSWERS), ReceivablesClient),
                                   (FakeAsyncContract(responses=ANSWERS), AsyncReceivablesClient)):
        with pytest.raises((TypeError, ValueError)) as error:
            made = call(client_class(contract), orgs)
            if client_class is AsyncReceivablesClient:
                asyncio.run(made)
        assert contract.calls == [], "sent all the same"
        found.append((type(error.value), str(error.value)))
    assert found[0] == found[1]
    return found


@pytest.mark.parametrize("method", sorted(CALLS))
def test_an_empty_list_of_orgs_is_refused_before_sending(method):
    (kind, message), _ = raised(CALLS[method], [])
    assert kind is ArgumentRefused and "endorsing_organizations is empty" in message and "None" in message


@pytest.mark.parametrize("orgs, kind", [(["SupplierMSP", ""], ArgumentRefused), ([" ", "BankMSP"], ArgumentRefused),
                                        (["SupplierMSP", 5], ArgumentTypeRefused), ((None,), ArgumentTypeRefused)])
@pytest.mark.parametrize("method", ["confirm", "get_receivable", "make_offer"])
def test_an_org_of_no_name_is_refused_before_sending(method, orgs, kind):
    (raised_kind, message), _ = raised(CALLS[method], orgs)
    assert raised_kind is kind and "endorsing_organizations" in message


def test_the_orgs_named_are_still_sent_as_given():
    contract = FakeContract(responses={"GetReceivable": fakes.receivable()})
    ReceivablesClient(contract).get_receivable(R, endorsing_organizations=("BankMSP",))
    assert contract.only().endorsing_organizations == ["BankMSP"]
