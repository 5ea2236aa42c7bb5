"""An early-payment offer with several faults is said not eligible for the one AcceptDiscountOffer names first: a
claim past its due date (past-maturity) is refused before the offer's withdrawal or expiry is looked at, as no
offer pays a claim early once it is due. Compare named the withdrawal or the expiry, and sent the holder to ask
the debtor for a new offer that could not be taken either."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import EarlyPaymentOffer, ReceivableTerms, rank_proposals
from client.receivables import DiscountOfferRequest, RuleViolation


def _claim_due_in(world, days: int) -> str:
    net = world.net
    return asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 1_000_000, due_in=days))["id"]


def _offer(world, *, expires_in: int) -> str:
    expires = date.fromisoformat(world.net.today) + timedelta(days=expires_in)
    return world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.05", expires_on=expires)).id


def _compared(world, claim: str, offer: str) -> dict:
    result = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--discount-offer", offer, "--json"])
    assert result.exit_code == 0, result.output
    [shown] = json.loads(result.stdout)["proposals"]
    return shown


def _contracts_rule(world, offer: str, claim: str) -> str:
    with pytest.raises(RuleViolation) as refused:
        world.client("tier1").accept_discount_offer(offer, claim)
    return refused.value.rule


@pytest.mark.parametrize("fault", ["withdrawn", "expired"])
def test_a_claim_past_its_due_date_is_named_before_the_offers_own_fault(world, fault):
    claim = _claim_due_in(world, 2)
    offer = _offer(world, expires_in=1 if fault == "expired" else 30)
    if fault == "withdrawn":
        world.client("core").withdraw_discount_offer(offer)
    world.net.advance(3)
    assert _contracts_rule(world, offer, claim) == "past-maturity"
    shown = _compared(world, claim, offer)
    assert (shown["offer_id"], shown["eligible"]) == (offer, False)
    assert shown["why"].startswith("not eligible: ") and "(rule past-maturity)" in shown["why"], shown["why"]
    assert f"rule {'discount-offer-withdrawn' if fault == 'withdrawn' else 'offer-expired'}" not in shown["why"]


@pytest.mark.parametrize("status", ["OPEN", "WITHDRAWN"])
def test_an_offers_file_names_the_due_date_first_too(status):
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000, due_date=date(2026, 12, 1))
    early = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", expires_on=date(2026, 11, 20),
                              status=status, withdrawn_on=date(2026, 11, 10) if status == "WITHDRAWN" else None)
    [p] = rank_proposals(terms, date(2026, 12, 2), [], [early])
    assert p.why == ("not eligible: RCV-1 is due on 2026-12-01, before the day the cash would be taken 2026-12-02: "
                     "the contract pays no claim early on or after its due date (rule past-maturity)")


def test_before_the_due_date_the_withdrawal_is_named_as_before(world):
    claim = _claim_due_in(world, 30)
    offer = _offer(world, expires_in=10)
    world.client("core").withdraw_discount_offer(offer)
    assert _contracts_rule(world, offer, claim) == "discount-offer-withdrawn"
    assert "(rule discount-offer-withdrawn)" in _compared(world, claim, offer)["why"]
