"""Gathering a receivable's offers through the typed receivables API (a fake with its five reads)."""
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace as NS

import pytest

from client.pricing import rank_proposals
from client.pricing.ledger import proposal_inputs_from_ledger


class FakeReceivables:
    def get_receivable(self, rid):
        return NS(id=rid, status="CONFIRMED", debtor="core", currency="CNY", outstanding=100_000_000,
                  due_date=date(2027, 3, 1), financing_id="FIN-1", frozen=None, queued_freezes=[], children=[],
                  parent_id=None)

    def get_financing(self, fid):
        # as the SDK reads an offer's public record: no expiry but on one an earlier contract version made
        return NS(id=fid, status="REQUESTED",
                  offers=[NS(id="OF-1", financier="bank-a", status="OPEN", expires_on=None),
                          NS(id="OF-2", financier="bank-b", status="LAPSED", expires_on=None)])

    def get_offer_terms(self, oid):
        assert oid == "OF-1"
        return NS(advance_rate=Decimal("0.9"), discount_rate=Decimal("0.04"), fees=50_000, recourse=True,
                  day_count="ACT/360", expires_on=date(2026, 12, 10), salt="x" * 16)

    def __init__(self):
        self.listed = []

    def get_discount_offer(self, did, *, receivable_id=None):
        # as a contract before GetDiscountOffer took a receivable: a claim never split needs none
        assert receivable_id is None, "the receivable is sent for a split part only"
        return NS(id=did, debtor="core", status="OPEN", apr=None, receivable_ids=[],
                  scale=[NS(min_days_early=30, apr=Decimal("0.05"))], day_count="ACT/365", expires_on=date(2027, 1, 1))

    def iter_discount_offers(self, debtor=None, receivable_id=None, *, scope="open", page_size=50):
        self.listed.append((debtor, receivable_id, scope))
        return iter([self.get_discount_offer("DD-1"),
                     NS(id="DD-2", debtor="core", status="OPEN", apr=Decimal("0.06"), receivable_ids=[receivable_id],
                        scale=None, day_count="ACT/360", expires_on=date(2027, 1, 1))])


def test_open_offers_and_the_named_discount_offer_are_gathered_and_ranked():
    source = FakeReceivables()
    inputs = proposal_inputs_from_ledger(source, "RCV-1", discount_offer_id="DD-1")
    assert [o.offer_id for o in inputs.bank_offers] == ["OF-1"]
    assert [e.offer_id for e in inputs.early_payments] == ["DD-1"] and source.listed == []
    assert inputs.early_payments[0].scale[0].apr == Decimal("0.05")
    assert (inputs.receivable.financing_id, inputs.receivable.financing_status) == ("FIN-1", "REQUESTED")
    ranked = rank_proposals(inputs.receivable, date(2026, 12, 1), inputs.bank_offers, inputs.early_payments)
    assert {p.offer_id for p in ranked} == {"OF-1", "DD-1"} and all(p.eligible for p in ranked)
    assert next(p for p in ranked if p.offer_id == "OF-1").net_cash == 89_050_000
    # the request is live: the discount waits for its withdrawal, but is ranked beside the bank's offer
    assert [(p.offer_id, p.takeable_now, p.first_step) for p in ranked] == [
        ("OF-1", True, None), ("DD-1", False, "withdraw the financing request")]


def test_rates_read_from_the_ledger_keep_the_contracts_form():
    source = FakeReceivables()
    source.get_offer_terms = lambda oid: NS(advance_rate=Decimal("0.0000002"), discount_rate=Decimal("0.04"), fees=0,
                                            recourse=True, day_count="ACT/360", expires_on=date(2026, 12, 10))
    [offer] = proposal_inputs_from_ledger(source, "RCV-1", discount_offer_id="DD-1").bank_offers
    # str() would have made it "2E-7", not a rate the contract writes
    assert offer.advance_rate == Decimal("0.0000002")


def test_without_a_discount_offer_id_the_open_ones_covering_the_receivable_are_listed():
    source = FakeReceivables()
    inputs = proposal_inputs_from_ledger(source, "RCV-1")
    assert source.listed == [(None, "RCV-1", "open")]
    assert [(e.offer_id, e.apr) for e in inputs.early_payments] == [("DD-1", None), ("DD-2", Decimal("0.06"))]


def test_a_scale_the_ledger_holds_with_two_tiers_at_the_same_days_is_priced_at_the_first_as_the_contract_settles_it():
    # published before the contract refused such a scale, it stays on the ledger; refused here, the claim could not be
    # compared at all. The contract settles it at the first tier listed (settlement.discount_rate_for)
    source = FakeReceivables()
    source.get_discount_offer = lambda did, receivable_id=None: NS(
        id=did, debtor="core", status="OPEN", apr=None, receivable_ids=[], day_count="ACT/365",
        expires_on=date(2027, 1, 1), scale=[NS(min_days_early=30, apr=Decimal("0.02")),
                                            NS(min_days_early=30, apr=Decimal("0.09"))])
    inputs = proposal_inputs_from_ledger(source, "RCV-1", discount_offer_id="DD-1")
    [early] = [p for p in rank_proposals(inputs.receivable, date(2026, 12, 1), [], inputs.early_payments)]
    assert early.eligible and early.annual_rate == Decimal("0.02")


def test_a_named_discount_offer_that_does_not_cover_the_receivable_is_refused_naming_what_it_lists():
    source = FakeReceivables()
    source.get_discount_offer = lambda did, receivable_id=None: NS(id=did, debtor="core", status="OPEN",
                                                                  receivable_ids=["RCV-9"])
    with pytest.raises(ValueError, match=r"DD-9 of core does not cover RCV-1, which it does not list "
                       r"\(it lists RCV-9\).*rule discount-offer-not-for-receivable"):
        proposal_inputs_from_ledger(source, "RCV-1", discount_offer_id="DD-9")


def test_a_named_discount_offer_of_another_debtor_is_refused_naming_the_claims_debtor():
    source = FakeReceivables()
    own = source.get_discount_offer("DD-1")
    source.get_discount_offer = lambda did, receivable_id=None: NS(**{**vars(own), "id": did, "debtor": "another-core"})
    with pytest.raises(ValueError, match=r"DD-8 of another-core does not cover RCV-1, owed by core: .*rule "
                       r"discount-offer-not-for-receivable"):
        proposal_inputs_from_ledger(source, "RCV-1", discount_offer_id="DD-8")


def test_the_receivables_currency_and_status_are_carried_and_a_registered_one_takes_no_offer_yet():
    source = FakeReceivables()
    source.get_receivable = lambda rid: NS(id=rid, status="REGISTERED", debtor="core", currency="USD",
                                           outstanding=100_000_000, due_date=date(2027, 3, 1), financing_id=None,
                                           frozen=None, queued_freezes=[], children=[], parent_id=None)
    inputs = proposal_inputs_from_ledger(source, "RCV-1", discount_offer_id="DD-1")
    assert (inputs.receivable.currency, inputs.receivable.status) == ("USD", "REGISTERED")
    [p] = rank_proposals(inputs.receivable, date(2026, 12, 1), inputs.bank_offers, inputs.early_payments)
    assert (p.offer_id, p.eligible, p.takeable_now, p.rank_by_cost) == ("DD-1", True, False, 1)
    assert p.first_step == "the debtor confirms the claim"
    assert "rule invalid-state" in p.why and "recfin receivable confirm RCV-1" in p.why


def test_a_frozen_receivable_carries_its_order_and_no_offer_on_it_is_takeable():
    source = FakeReceivables()
    unfrozen = source.get_receivable
    source.get_receivable = lambda rid: NS(**{**vars(unfrozen(rid)), "frozen": NS(order_reference="ORDER-7")})
    inputs = proposal_inputs_from_ledger(source, "RCV-1", discount_offer_id="DD-1")
    assert inputs.receivable.frozen_by == "ORDER-7"
    ranked = rank_proposals(inputs.receivable, date(2026, 12, 1), inputs.bank_offers, inputs.early_payments)
    assert [(p.offer_id, p.takeable_now, p.rank_by_cost, p.first_step) for p in ranked] == [
        ("OF-1", False, 1, "the regulator lifts the freeze"),
        ("DD-1", False, 2, "the regulator lifts the freeze, then withdraw the financing request")]
    assert all("frozen by order ORDER-7" in p.why for p in ranked)


@pytest.mark.parametrize("status, children, says", [
    ("SETTLED", [], "RCV-1 is settled: nothing is outstanding on it, so nothing is left to finance or pay early"),
    ("SPLIT", ["RCV-1.1", "RCV-1.2"], "RCV-1 was split into RCV-1.1, RCV-1.2: nothing is outstanding on it"),
])
def test_a_receivable_with_nothing_outstanding_is_refused_by_name(status, children, says):
    source = FakeReceivables()
    source.get_receivable = lambda rid: NS(id=rid, status=status, outstanding=0, due_date=date(2027, 3, 1),
                                           financing_id=None, frozen=None, queued_freezes=[], children=children)
    with pytest.raises(ValueError, match="^" + re.escape(says)):
        proposal_inputs_from_ledger(source, "RCV-1")
