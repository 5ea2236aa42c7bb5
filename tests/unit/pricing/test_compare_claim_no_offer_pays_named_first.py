"""An early-payment offer withdrawn, expired or whose scale is not reached, on a claim no early payment could ever
be taken on (its financing disbursed, or a status other than CONFIRMED for good), is said not eligible for the
claim's refusal, as AcceptDiscountOffer refuses the claim for it before it looks at the offer. Compare named the
offer's fault, and sent the holder to ask the debtor for a new offer that could not be taken either."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import EarlyPaymentOffer, ReceivableTerms, ScaleTier, rank_proposals
from client.receivables import DiscountOfferRequest, RuleViolation


def test_a_withdrawn_offer_on_a_claim_whose_financing_is_disbursed_names_the_financing(world):
    net = world.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 1_000_000, due_in=60))["id"]
    financing = asyncio.run(net.financed(net.actors["tier1"], claim, disburse=True))["id"]
    expires = date.fromisoformat(net.today) + timedelta(days=30)
    offer = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.05", expires_on=expires)).id
    world.client("core").withdraw_discount_offer(offer)
    with pytest.raises(RuleViolation) as refused:
        world.client("tier1").accept_discount_offer(offer, claim)
    assert refused.value.rule == "receivable-financed"
    result = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--discount-offer", offer, "--json"])
    assert result.exit_code == 0, result.output
    [shown] = json.loads(result.stdout)["proposals"]
    assert (shown["offer_id"], shown["eligible"]) == (offer, False)
    assert shown["why"].startswith(f"not eligible: {claim} is financed ({financing}, disbursed), so the bank, not "
                                   f"the holder, is paid (rule receivable-financed); "), shown["why"]
    assert "withdrawn" not in shown["why"] and "new offer" not in shown["why"], shown["why"]


FAULTS = {
    "withdrawn": dict(apr="0.05", expires_on=date(2027, 1, 1), status="WITHDRAWN", withdrawn_on=date(2026, 11, 1)),
    "expired": dict(apr="0.05", expires_on=date(2026, 11, 30)),
    "tier not reached": dict(scale=[ScaleTier(min_days_early=200, apr="0.05")], expires_on=date(2027, 1, 1)),
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("status", ["REJECTED", "WITHDRAWN"])
def test_a_claim_in_a_status_that_takes_no_offer_is_named_before_the_offers_fault(status, fault):
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000, due_date=date(2027, 3, 1), status=status)
    early = EarlyPaymentOffer(offer_id="DD", debtor="core", **FAULTS[fault])
    [p] = rank_proposals(terms, date(2026, 12, 1), [], [early])
    assert not p.eligible
    assert p.why == (f"not eligible: RCV-1 is {status}, and the contract takes an offer only on a CONFIRMED claim "
                     f"(rule invalid-state)")


@pytest.mark.parametrize("fault", FAULTS)
def test_on_a_claim_an_offer_could_be_taken_on_the_offers_fault_is_named(fault):
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000, due_date=date(2027, 3, 1),
                            frozen_by="ORDER-1", financing_id="F-1")
    early = EarlyPaymentOffer(offer_id="DD", debtor="core", **FAULTS[fault])
    [p] = rank_proposals(terms, date(2026, 12, 1), [], [early])
    rule = {"withdrawn": "discount-offer-withdrawn", "expired": "offer-expired",
            "tier not reached": "discount-not-applicable"}[fault]
    assert not p.eligible and f"(rule {rule})" in p.why, p.why
