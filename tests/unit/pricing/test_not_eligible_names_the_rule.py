"""An offer compared that is not eligible says why in the contract's rule that would refuse it: the reason priced
off-chain and the refusal on the ledger name the same rule."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from chaincode.receivables import financing
from chaincode.receivables.errors import RuleViolation as ContractRuleViolation
from chaincode.receivables.model import OfferTerms
from client.pricing import BankOffer, ReceivableTerms, rank_proposals
from client.pricing.ledger import early_payment_offer, receivable_terms
from client.pricing.proposals import price_early_payment
from client.receivables import DiscountOfferRequest, RuleViolation

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")


def bank(**terms) -> BankOffer:
    return BankOffer(**{"offer_id": "OF", "financier": "bank", "advance_rate": "0.9", "discount_rate": "0.04",
                        "recourse": True, "expires_on": date(2026, 12, 10), **terms})


@pytest.mark.parametrize("offer,rule", [
    (bank(expires_on=date(2026, 11, 30)), "offer-expired"),
    (bank(advance_rate="0.0000000001", discount_rate="0"), "advance-rounds-to-zero"),
    (bank(fees=90_000_000), "financing-not-positive"),
])
def test_a_bank_offer_not_eligible_names_the_rule(offer, rule):
    [p] = rank_proposals(TERMS, ON, [offer])
    assert not p.eligible and p.why.startswith("not eligible: ") and p.why.count(f"(rule {rule})") == 1, p.why


@pytest.mark.parametrize("advance_rate, rule", [("0", "rate-invalid"),
                                                ("0.0000000001", "advance-rounds-to-zero")])
def test_an_offer_advancing_nothing_names_the_rule_the_contract_refuses_its_terms_by(advance_rate, rule):
    # an advance rate of 0 rounds nothing away: the contract refuses the rate itself (rate-invalid), before
    # the advance of a positive rate that rounds to 0 fen (advance-rounds-to-zero)
    offer = bank(advance_rate=advance_rate)
    [p] = rank_proposals(TERMS, ON, [offer])
    assert (p.eligible, p.advance) == (False, 0) and p.why.count(f"(rule {rule})") == 1, p.why
    assert ("rounds to" in p.why) == (rule == "advance-rounds-to-zero"), p.why
    offered = OfferTerms(advance_rate=advance_rate, discount_rate="0.04", fees=0, recourse=True,
                         expires_on="2026-12-10", salt="s" * 16)
    with pytest.raises(ContractRuleViolation) as refused:
        financing.ensure_disbursable(offered, TERMS.face_amount, currency="CNY")
    assert refused.value.code == rule


@pytest.mark.parametrize("terms,rule", [
    ({"apr": "0.04", "expires_on": date(2026, 11, 30)}, "offer-expired"),
    ({"scale": [{"min_days_early": 120, "apr": "0.04"}], "expires_on": date(2027, 1, 1)},
     "discount-not-applicable"),
    ({"apr": "1", "expires_on": date(2027, 1, 1)}, "discount-exceeds-amount"),
])
def test_an_early_payment_not_eligible_names_the_rule_the_contract_refuses_it_by(world, terms, rule):
    net = world.net
    today = date.fromisoformat(net.today)
    # 100% a year for 365 days early, ACT/360, is a discount of 365/360 of the claim
    due_in = 365 if rule == "discount-exceeds-amount" else 90
    claim = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 100_000_000, due_in=due_in))["id"]
    shift = {"expires_on": today + (terms["expires_on"] - ON)}   # the dates relative to the ledger's today
    offered = {**terms, **shift, "expires_on": max(today, shift["expires_on"])}
    listed = [claim]
    if rule == "discount-not-applicable":
        # a scale the claim is already too close to its due date for is refused where the offer lists it, by
        # the same rule; an offer to any of the debtor's claims reaches it, and is refused when taken
        with pytest.raises(RuleViolation) as refused_listing:
            world.client("core").publish_discount_offer(DiscountOfferRequest(**offered, receivable_ids=[claim]))
        assert refused_listing.value.rule == rule
        listed = []
    published = world.client("core").publish_discount_offer(DiscountOfferRequest(
        **offered, receivable_ids=listed)).id
    holder = world.client("tier2")
    if rule == "offer-expired":
        net.advance(days=1)
        today = date.fromisoformat(net.today)
    read = holder.get_discount_offer(published, receivable_id=claim)
    priced = price_early_payment(early_payment_offer(read), receivable_terms(holder.get_receivable(claim)), today)
    assert not priced.eligible and f"(rule {rule})" in priced.why, priced.why
    with pytest.raises(RuleViolation) as refused:
        holder.accept_discount_offer(published, claim, as_read=read)
    assert refused.value.rule == rule
    assert holder.get_receivable(claim).status == "CONFIRMED"
