"""Each offer carries a salt of its own: a holder reads its own offer's terms in clear, and one salt in two holders'
offers would let it find the other's terms by hashing guesses against the public terms_hash."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import grpc
import pytest

from client.gateway.errors import EndorseError, SubmitError
from client.receivables import AsyncReceivablesClient, FinancingTerms, ReceivablesClient
from client.receivables import _offers as offers_module

from ..ledger_contract import LedgerContract
from ..receivables.support import standard_net
from . import fakes
from .fakes import FakeContract

F1, F2 = "F-00000000000000b1", "F-00000000000000b2"
ORGS = ["SupplierMSP", "BankMSP"]


def template(**over) -> FinancingTerms:
    return FinancingTerms(**{"advance_rate": "0.9", "discount_rate": "0.036", "recourse": False,
                             "expires_on": date(2026, 4, 30), **over})


def test_two_offers_made_from_one_template_do_not_share_a_salt():
    net = asyncio.run(standard_net())
    tier1, tier2, core, bank = (net.actors[n] for n in ("tier1", "tier2", "core", "bank"))
    bank_client = ReceivablesClient(LedgerContract(net.ledger, bank.identity, lambda: net.now))
    terms = template(expires_on=date.fromisoformat(net.day(30)))
    offers = []
    for holder in (tier1, tier2):
        r = asyncio.run(net.confirmed(holder, core, 100_000_00))
        f = asyncio.run(net.ok(holder, "RequestFinancing", r["id"]))
        offers.append(bank_client.make_offer(f["id"], terms.model_copy(update={"fees": 0})))
    assert offers[0].terms_hash != offers[1].terms_hash


def test_a_copy_with_changes_draws_a_fresh_salt_unless_one_was_given():
    terms = template()
    changed = terms.model_copy(update={"discount_rate": "0.04"})
    assert changed.salt != terms.salt and len(changed.salt) == 32
    assert changed.model_copy(update={"fees": 1}).salt != changed.salt     # drawn again on the next change
    assert terms.model_copy().salt == terms.salt                           # a copy without changes is the same terms
    assert terms.model_copy(update={"fees": 1, "salt": "s" * 16}).salt == "s" * 16
    given = template(salt="g" * 16)
    assert given.model_copy(update={"fees": 1}).salt == "g" * 16           # the caller chose it


def test_one_salt_is_refused_on_a_second_financing_and_sent_again_unchanged_on_the_same():
    contract = FakeContract(responses={"MakeFinancingOffer": fakes.offer()})
    client = ReceivablesClient(contract)
    terms = template(salt="g" * 16)
    client.make_offer(F1, terms, endorsing_organizations=ORGS)
    client.make_offer(F1, terms, endorsing_organizations=ORGS)             # the same offer again: the same bytes
    assert contract.calls[0].transient == contract.calls[1].transient
    with pytest.raises(ValueError, match=f"salt of this client's offer on financing {F1}"):
        client.make_offer(F2, terms, endorsing_organizations=ORGS)
    with pytest.raises(ValueError, match="salt"):
        client.make_offer(F2, terms.model_copy(), endorsing_organizations=ORGS)
    assert len(contract.calls) == 2                                         # nothing sent for F2
    client.make_offer(F2, terms.model_copy(update={"salt": "h" * 16}), endorsing_organizations=ORGS)
    assert json.loads(contract.calls[-1].transient["terms"])["salt"] == "h" * 16


def test_the_async_client_refuses_a_salt_it_sent_on_another_financing():
    class AsyncFake(FakeContract):
        async def submit(self, name, **options):
            return FakeContract.submit(self, name, **options)

    contract = AsyncFake(responses={"MakeFinancingOffer": fakes.offer()})
    client = AsyncReceivablesClient(contract)
    terms = template()

    async def offers():
        await client.make_offer(F1, terms, endorsing_organizations=ORGS)
        await client.make_offer(F2, terms, endorsing_organizations=ORGS)

    with pytest.raises(ValueError, match="salt"):
        asyncio.run(offers())
    assert [c.name for c in contract.calls] == ["MakeFinancingOffer"]


def test_an_offer_refused_at_endorsement_does_not_hold_its_salt():
    net = asyncio.run(standard_net())
    tier1, core, bank = (net.actors[n] for n in ("tier1", "core", "bank"))
    bank_client = ReceivablesClient(LedgerContract(net.ledger, bank.identity, lambda: net.now))
    terms = template(expires_on=date.fromisoformat(net.day(30)))
    r = asyncio.run(net.confirmed(tier1, core, 100_000_00))
    f = asyncio.run(net.ok(tier1, "RequestFinancing", r["id"]))
    with pytest.raises(Exception, match="not-found|not found"):    # a mistyped financing id: nothing ordered
        bank_client.make_offer("F-" + "0" * 16, terms, endorsing_organizations=ORGS)
    assert bank_client.make_offer(f["id"], terms).financing_id == f["id"]


@pytest.mark.parametrize("client_class", [ReceivablesClient, AsyncReceivablesClient])
def test_a_salt_is_let_go_only_when_nothing_could_be_ordered(client_class):
    class AsyncFake(FakeContract):
        async def submit(self, name, **options):
            return FakeContract.submit(self, name, **options)

    contract = (AsyncFake if client_class is AsyncReceivablesClient else FakeContract)(
        responses={"MakeFinancingOffer": fakes.offer()})
    client = client_class(contract)

    def offer(financing_id, terms):
        answer = client.make_offer(financing_id, terms, endorsing_organizations=ORGS)
        return asyncio.run(answer) if client_class is AsyncReceivablesClient else answer

    refused, lost = template(), template()
    contract.errors["MakeFinancingOffer"] = EndorseError("failed to endorse", transaction_id="t1",
                                                         code=grpc.StatusCode.ABORTED)
    with pytest.raises(EndorseError):
        offer(F1, refused)
    contract.errors["MakeFinancingOffer"] = SubmitError("orderer timed out", transaction_id="t2",
                                                        code=grpc.StatusCode.DEADLINE_EXCEEDED)
    with pytest.raises(SubmitError):
        offer(F1, lost)                                  # may have been ordered: its terms_hash may be public
    del contract.errors["MakeFinancingOffer"]
    offer(F2, refused)                                   # never ordered on F1: free for F2
    with pytest.raises(ValueError, match=f"salt of this client's offer on financing {F1}"):
        offer(F2, lost)


def test_a_client_keeps_the_salts_of_its_most_recent_offers(monkeypatch):
    monkeypatch.setattr(offers_module, "OFFER_SALTS_KEPT", 3)
    contract = FakeContract(responses={"MakeFinancingOffer": fakes.offer()})
    client = ReceivablesClient(contract)
    offers = [template() for _ in range(5)]
    for i, terms in enumerate(offers):
        client.make_offer(f"F-{i:016x}", terms, endorsing_organizations=ORGS)
    client.make_offer("F-0000000000000002", offers[2], endorsing_organizations=ORGS)   # sent again: most recent
    client.make_offer("F-0000000000000005", template(), endorsing_organizations=ORGS)
    assert len(client._offer_salts) == 3                  # offers 4, 2 (sent again) and the last
    for kept in (offers[4], offers[2]):
        with pytest.raises(ValueError, match="salt"):
            client.make_offer("F-00000000000000ff", kept, endorsing_organizations=ORGS)
    client.make_offer("F-00000000000000ff", offers[3], endorsing_organizations=ORGS)  # forgotten: the oldest
