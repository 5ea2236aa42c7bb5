"""`recfin finance compare R --discount-offer D` for an offer the contract would not pay on R: it says why,
as AcceptDiscountOffer refuses it (withdrawn on its day, expired on its day, another debtor's, listing other
claims), instead of "no open offers on it"."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.receivables import DiscountOfferRequest, RuleViolation

from ..cli_errors import error_line


def _claim(world) -> str:
    net = world.net
    return asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 1_000_000, due_in=60))["id"]


def _publish(world, debtor: str = "core", *, days: int = 30, listing: list[str] | None = None) -> str:
    expires = date.fromisoformat(world.today) + timedelta(days=days)
    return world.client(debtor).publish_discount_offer(DiscountOfferRequest(
        apr="0.05", expires_on=expires, receivable_ids=listing or [])).id


def _compare(world, claim: str, offer: str, *extra: str):
    return CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--discount-offer", offer,
                                        "--on", world.net.today, *extra])


def _refused_on_acceptance(world, offer: str, claim: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        world.client("tier1").accept_discount_offer(offer, claim)
    return refused.value


def test_a_withdrawn_offer_is_shown_not_eligible_with_its_day_and_rule(world):
    claim, offer = _claim(world), _publish(world)
    world.client("core").withdraw_discount_offer(offer)
    assert _refused_on_acceptance(world, offer, claim).rule == "discount-offer-withdrawn"
    result = _compare(world, claim, offer)
    assert result.exit_code == 0, result.output
    assert "no open offers" not in result.output
    assert (f"{offer}: not eligible: withdrawn by its debtor {world.uscc('core')} on {world.today}, and the "
            f"contract pays no withdrawn offer (rule discount-offer-withdrawn)") in result.output
    [shown] = json.loads(_compare(world, claim, offer, "--json").stdout)["proposals"]
    assert (shown["offer_id"], shown["eligible"]) == (offer, False)


def test_an_expired_offer_is_shown_not_eligible_with_its_day_and_rule(world):
    claim, offer = _claim(world), _publish(world, days=1)
    world.net.advance(2)
    assert _refused_on_acceptance(world, offer, claim).rule == "offer-expired"
    result = _compare(world, claim, offer)
    assert result.exit_code == 0, result.output
    expired_on = date.fromisoformat(world.today) + timedelta(days=1)
    assert f"{offer}: not eligible: expired on {expired_on} (rule offer-expired)" in result.output


def test_another_debtors_offer_is_refused_naming_the_claims_debtor_and_the_rule(world):
    claim, theirs = _claim(world), _publish(world, "core2")
    assert _refused_on_acceptance(world, theirs, claim).rule == "discount-offer-not-for-receivable"
    result = _compare(world, claim, theirs)
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: discount offer {theirs} of {world.uscc('core2')} does not cover {claim}, owed by "
        f"{world.uscc('core')}: an offer covers its debtor's claims it lists and the parts split from them "
        f"(all of them when it lists none), and the contract takes no other (rule "
        f"discount-offer-not-for-receivable); take one that covers {claim} (ListDiscountOffers by {claim} "
        f"lists the open ones)")


def test_an_offer_listing_other_claims_is_refused_naming_those_it_lists(world):
    claim, other = _claim(world), _claim(world)
    offer = _publish(world, listing=[other])
    # not covering is refused first, before the withdrawal, as the contract does
    world.client("core").withdraw_discount_offer(offer)
    assert _refused_on_acceptance(world, offer, claim).rule == "discount-offer-not-for-receivable"
    result = _compare(world, claim, offer)
    assert result.exit_code == 1
    assert error_line(result).startswith(
        f"Error: discount offer {offer} of {world.uscc('core')} does not cover {claim}, which it does not "
        f"list (it lists {other}): an offer covers its debtor's claims")
    assert "rule discount-offer-not-for-receivable" in error_line(result)
