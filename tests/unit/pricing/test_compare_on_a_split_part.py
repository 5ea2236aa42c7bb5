"""`recfin finance compare PART --discount-offer D` for the holder of a part split from the claim D lists: the offer
is read as covering the part, as the list by the part finds it, though the holder may not read the claim itself."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.receivables import DiscountOfferRequest, RuleViolation

from ..cli_errors import error_line


def _offer_on_a_claim_then_split(world, *, listing_another: bool = False) -> tuple[str, str]:
    """tier1's claim R on core (100,000.00 yuan, due in 60 days), an offer of core listing R (or, with
    ``listing_another``, another claim of tier1's), then 40,000.00 of R transferred to tier2. The offer's id and
    R.1's, tier2's part."""
    net = world.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = asyncio.run(net.confirmed(tier1, core, 10_000_000, due_in=60))["id"]
    listed = asyncio.run(net.confirmed(tier1, core, 5_000_000, due_in=60))["id"] if listing_another else claim
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    offer = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.05", expires_on=expires,
                                                                             receivable_ids=[listed])).id
    moved = world.client("tier1").transfer(claim, world.uscc("tier2"), 4_000_000)
    assert moved.children_records[0].id == claim + ".1"
    return offer, claim + ".1"


def _compare(world, part: str, offer: str):
    return CliRunner().invoke(finance, ["compare", part, "--as", "tier2", "--discount-offer", offer,
                                        "--on", world.today, "--json"])


def test_the_holder_of_a_part_compares_the_offer_listing_the_claim_it_was_split_from(world):
    offer, part = _offer_on_a_claim_then_split(world)
    result = _compare(world, part, offer)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["receivable"]["face_amount"] == 4_000_000
    assert [(p["offer_id"], p["takeable_now"]) for p in data["proposals"]] == [(offer, True)]
    # the offer compared is the one the contract lets tier2 take on its part
    assert world.client("tier2").accept_discount_offer(offer, part).status == "SETTLED"


def test_a_named_offer_listing_another_claim_is_refused_on_a_part_as_the_contract_refuses_it(world):
    offer, part = _offer_on_a_claim_then_split(world, listing_another=True)
    result = _compare(world, part, offer)
    assert result.exit_code == 1
    refusal = error_line(result)
    assert f"discount offer {offer} of {world.uscc('core')} does not cover {part}" in refusal, refusal
    assert f"rule discount-offer-not-for-receivable); take one that covers {part}" in refusal


def test_the_sdk_reads_the_offer_for_the_part_and_not_without_it(world):
    offer, part = _offer_on_a_claim_then_split(world)
    tier2 = world.client("tier2")
    assert tier2.get_discount_offer(offer, receivable_id=part).receivable_ids == [part.removesuffix(".1")]
    with pytest.raises(RuleViolation) as refused:   # tier2 may read no claim the offer lists
        tier2.get_discount_offer(offer)
    assert refused.value.rule == "not-permitted-to-read"
