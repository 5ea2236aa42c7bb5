"""An offer is open ``offer_valid_days`` from the day it is made, but not past the day before the claim's due date:
from the due date on the contract takes no acceptance (rule past-maturity), so a later expiry would name days on
which the offer cannot be taken."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import bank_config_path, load_bank_config, quote
from client.pricing.proposals import ReceivableTerms

CONFIG = str(bank_config_path("bank"))   # offer_valid_days: 7
PRICING = load_bank_config(CONFIG)
ON = date(2026, 12, 1)


def terms(due_in: int) -> ReceivableTerms:
    return ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=ON + timedelta(days=due_in))


def test_a_claim_due_within_the_offers_days_is_offered_until_the_day_before_it_is_due():
    for due_in in (1, 2, PRICING.offer_valid_days):
        offer = quote(PRICING, terms(due_in), grade="A", on=ON).offer
        assert offer.expires_on == ON + timedelta(days=due_in - 1), due_in


def test_a_claim_due_later_is_offered_for_the_offers_days():
    due_in = PRICING.offer_valid_days + 1
    assert quote(PRICING, terms(due_in), grade="A", on=ON).offer.expires_on == ON + timedelta(
        days=PRICING.offer_valid_days)


def test_the_offer_made_on_the_ledger_expires_the_day_before_the_claim_is_due(world):
    net = world.net
    soon = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 100_000_000, due_in=2))["id"]
    world.client("tier2").request_financing(soon)
    result = CliRunner().invoke(finance, ["quote", soon, "--as", "bank", "--config", CONFIG, "--grade", "A",
                                          "--json", "--yes"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    last_day = (date.fromisoformat(world.today) + timedelta(days=1)).isoformat()
    assert data["offer"]["expires_on"] == last_day
    assert world.client("tier2").get_offer_terms(data["made_offer"]["id"]).expires_on.isoformat() == last_day
