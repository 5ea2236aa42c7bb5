"""`recfin finance compare --on` on the ledger: cash is taken today or later. Priced on a date gone by, an
offer that has expired since showed as TAKEABLE_NOW and ranked first, and the contract refused it
(offer-expired); such a date is refused before connecting, as `finance quote` declines it. A file of offers is
compared on any date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli.finance_commands as commands
from cli.finance_commands import finance
from client.receivables import FinancingTerms, RuleViolation

SAMPLE_OFFERS = Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json"


def compare(world, *extra):
    return CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--json", *extra])


def offer_expiring(world, on: date) -> str:
    terms = FinancingTerms(advance_rate="0.9", discount_rate="0.04", fees=0, recourse=False,
                           day_count="ACT/360", expires_on=on)
    return world.client("bank").make_offer(world.financing, terms).id


def test_a_date_gone_by_is_refused_before_connecting(world):
    start = date.fromisoformat(world.today)
    offer = offer_expiring(world, start + timedelta(days=1))
    world.net.advance(3)   # the ledger's today is 3 days on: the offer expired 2 days ago
    result = compare(world, "--on", start.isoformat())
    assert result.exit_code == 2
    assert result.stdout == ""
    today = start + timedelta(days=3)
    assert (f"Invalid value for '--on': {start} is before today, {today} (China Standard Time, the date the "
            f"contract gives a transaction sent now)") in result.stderr
    assert "Give today or a later date, or drop --on (an --offers FILE is compared on any date)" in \
        result.stderr
    assert world.opened == []   # refused before connecting: nothing read
    with pytest.raises(RuleViolation) as refused:   # what it would have shown as takeable now
        world.client("tier1").accept_offer(offer)
    assert refused.value.rule == "offer-expired"


def test_today_shows_the_expired_offer_as_the_contract_takes_it(world):
    start = date.fromisoformat(world.today)
    offer = offer_expiring(world, start + timedelta(days=1))
    world.net.advance(3)
    for extra in ((), ("--on", world.net.today)):   # the default is today too
        result = compare(world, *extra)
        assert result.exit_code == 0, result.output
        [p] = json.loads(result.stdout)["proposals"]
        assert (p["offer_id"], p["eligible"], p["takeable_now"], p["rank_by_cost"]) == \
            (offer, False, False, None)
        assert p["why"] == f"not eligible: expired on {start + timedelta(days=1)} (rule offer-expired)"


def test_a_later_date_is_still_compared(world):
    start = date.fromisoformat(world.today)
    offer = offer_expiring(world, start + timedelta(days=10))
    result = compare(world, "--on", (start + timedelta(days=5)).isoformat())
    assert result.exit_code == 0, result.output
    [p] = json.loads(result.stdout)["proposals"]
    assert (p["offer_id"], p["takeable_now"], p["rank_by_cost"], p["days"]) == (offer, True, 1, 85)


def test_an_offers_file_is_compared_on_a_date_gone_by(monkeypatch):
    monkeypatch.setattr(commands, "business_today", lambda: date(2026, 12, 10))
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", str(SAMPLE_OFFERS),
                                          "--on", "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    assert [p["offer_id"] for p in json.loads(result.stdout)["proposals"]] == ["OF-A", "DD-1"]
